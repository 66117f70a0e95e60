// The rules the browser benchmark pushes: the sample rules in rules/ plus one experiment that rewrites the product
// title, and a visitor whose signed cookie puts them in that experiment's variant and in the control of the rest.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../demo/run-demo.ts";
import { readRuleFiles } from "../../src/cli/rule-files.ts";
import { openLocalBackend } from "../../src/cli/stores/local.ts";
import { compileRules } from "../../src/core/decide/compile.ts";
import { decide } from "../../src/core/decide/decide.ts";
import type { Snapshot } from "../../src/core/schema/snapshot.ts";
import { encodeIdentity } from "../../src/core/visitor/identity.ts";
import { buildVisitorContext } from "../../src/core/visitor/request-context.ts";
import { formatProblem } from "../../src/rules/issues.ts";
import { validateRuleSources } from "../../src/rules/validate.ts";
import { pushRules } from "../../src/rules/versions.ts";

export const EXPERIMENT_ID = "browser-bench-title";
export const VARIANT_ID = "promise";
/** Visible above the fold, in the buy box's <h1>; distinct from the origin's "Ridgeline Ultra". */
export const PERSONALISED_TITLE = "Ridgeline Ultra, with you tomorrow";

/** The experiment as a rule file; weight 100 on the variant so every (non-held-back) visitor gets it. */
export function benchRuleFile(pages: readonly string[]): unknown {
  return {
    $schema: "../schema/rules.schema.json",
    experiments: [
      {
        id: EXPERIMENT_ID,
        name: "Browser benchmark: product title",
        hypothesis:
          "A delivery promise in the product title lifts add-to-basket (a benchmark fixture, not a real test)",
        status: "running",
        pages: [...pages],
        target: "#product-title",
        variants: [
          { id: "control", weight: 0 },
          {
            id: VARIANT_ID,
            weight: 100,
            ops: [{ op: "setText", selector: "#product-title", value: PERSONALISED_TITLE }],
          },
        ],
        metrics: { primary: "add_to_basket" },
      },
    ],
  };
}

/**
 * Copies rules/ to a temporary directory with the benchmark experiment added, validates the set as `stylist push`
 * would, and pushes it to the local state the running `wrangler dev` reads.
 */
export async function pushBenchRules(persistTo: string, pages: readonly string[]): Promise<Snapshot> {
  const dir = mkdtempSync(join(tmpdir(), "stylist-browser-rules-"));
  try {
    cpSync(join(ROOT, "rules"), dir, { recursive: true });
    writeFileSync(join(dir, "browser-bench.json"), `${JSON.stringify(benchRuleFile(pages), null, 2)}\n`);
    const result = validateRuleSources(readRuleFiles(dir, dir));
    if (result.errors.length > 0) {
      throw new Error(`benchmark rules are invalid:\n${result.errors.map(formatProblem).join("\n")}`);
    }
    const backend = await openLocalBackend(join(ROOT, "wrangler.toml"), persistTo);
    try {
      const { snapshot } = await pushRules(
        backend.rules,
        { experiments: result.experiments, settings: result.settings, audiences: result.audiences },
        { author: "bench:browser", message: "sample rules + product title experiment" },
      );
      return snapshot;
    } finally {
      await backend.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A new visitor (first seen a minute ago) whose id Stylist's own `decide` puts in the title experiment's variant,
 * outside the programme holdout, and in the control of every other experiment on the pages, whatever its audience
 * (audiences are removed for the search, so the pick holds whatever the worker knows about the request). The page
 * through Stylist then differs from the origin's only in the title.
 */
export async function forcedVisitorCookie(
  snapshot: Snapshot,
  paths: readonly string[],
  userAgent: string,
  secret: string,
): Promise<{ id: string; value: string }> {
  const rules = compileRules({
    ...snapshot,
    experiments: snapshot.experiments.map(({ audience: _, ...experiment }) => experiment),
  });
  const now = Date.now();
  const firstSeen = Math.floor(now / 1000) - 60;
  const requests = paths.map(
    (path) => new Request(`https://shop.example${path}`, { headers: { "user-agent": userAgent } }),
  );
  const fits = (id: string, request: Request) => {
    const context = buildVisitorContext(request, { id, firstSeen, minted: false }, undefined, now);
    const decisions = decide(context, rules);
    const mine = decisions.find((decision) => decision.compiled.experiment.id === EXPERIMENT_ID);
    const othersPlain = decisions.every(
      (decision) => decision === mine || decision.control || decision.variant.ops.length === 0,
    );
    return mine?.arm === VARIANT_ID && othersPlain;
  };
  for (let i = 0; i < 100_000; i++) {
    const id = i.toString(16).padStart(32, "0");
    if (requests.every((request) => fits(id, request))) {
      return { id, value: await encodeIdentity({ id, firstSeen, minted: false }, secret) };
    }
  }
  throw new Error("no visitor found in the variant of the title experiment and the control of the rest");
}
