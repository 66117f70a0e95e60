import { createHash } from "node:crypto";
import { GrowthBook } from "@growthbook/growthbook";
import { compileRules } from "../src/core/decide/compile.ts";
import { decide } from "../src/core/decide/decide.ts";
import type { Experiment } from "../src/core/schema/experiment.ts";
import { encodeIdentity, VISITOR_COOKIE } from "../src/core/visitor/identity.ts";
import { buildVisitorContext } from "../src/core/visitor/request-context.ts";
import { BASE_HEADERS, CF, PRODUCT_PATH, VISITOR_SECRET } from "./config.ts";

export type Arm = "variant" | "control";

/** Candidate ids come from a counter, not randomness, so every run picks the same visitors. */
function candidateId(label: string, index: number): string {
  return createHash("sha256").update(`${label}-${index}`).digest("hex").slice(0, 32);
}

function search(label: string, fits: (id: string) => boolean): string {
  for (let i = 0; i < 1_000_000; i++) {
    const id = candidateId(label, i);
    if (fits(id)) return id;
  }
  throw new Error(`no ${label} visitor found`);
}

/**
 * A returning visitor (first seen two days ago) whose id Stylist's own `decide` puts in `arm` of every experiment,
 * with the context built by the worker's own `buildVisitorContext` from the request the benchmark sends.
 */
export async function stylistCookie(
  experiments: readonly Experiment[],
  arm: Arm,
  now: number,
): Promise<string> {
  const rules = compileRules({ version: 1, experiments: [...experiments], killed: [] });
  const firstSeen = Math.floor(now / 1000) - 2 * 24 * 60 * 60;
  const request = new Request(`https://shop.example${PRODUCT_PATH}`, { headers: BASE_HEADERS });
  const context = (id: string) => buildVisitorContext(request, { id, firstSeen, minted: false }, CF, now);
  const id = search(`stylist-${arm}`, (visitorId) => {
    const decisions = decide(context(visitorId), rules);
    return (
      decisions.length === experiments.length &&
      decisions.every((decision) => decision.control === (arm === "control"))
    );
  });
  const value = await encodeIdentity({ id, firstSeen, minted: false }, VISITOR_SECRET);
  return `${VISITOR_COOKIE}=${value}`;
}

/** A `gbuuid` that GrowthBook's SDK puts in variation 1 (variant) or 0 (control) of every experiment. */
export async function growthBookCookie(payload: { experiments: unknown[] }, arm: Arm): Promise<string> {
  const wanted = arm === "variant" ? 1 : 0;
  const url = `https://shop.example${PRODUCT_PATH}`;
  for (let i = 0; i < 1_000_000; i++) {
    const id = candidateId(`growthbook-${arm}`, i);
    const assigned: number[] = [];
    const growthbook = new GrowthBook({
      attributes: { id },
      url,
      trackingCallback: (_experiment, result) => {
        assigned.push(result.variationId);
      },
      applyDomChangesCallback: () => () => {},
    });
    await growthbook.init({ payload: payload as never });
    growthbook.destroy();
    if (
      assigned.length === payload.experiments.length &&
      assigned.every((variation) => variation === wanted)
    ) {
      return `gbuuid=${id}`;
    }
  }
  throw new Error(`no GrowthBook ${arm} visitor found`);
}
