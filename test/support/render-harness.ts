import { compileRules } from "../../src/core/decide/compile.ts";
import { decide } from "../../src/core/decide/decide.ts";
import { planEdits } from "../../src/core/page-view/edit-plan.ts";
import { NO_RENDER_DATA } from "../../src/core/page-view/render-data.ts";
import { ExperimentSchema } from "../../src/core/schema/experiment.ts";
import type { Op } from "../../src/core/schema/ops.ts";
import { syntheticContext } from "../../src/core/visitor/context.ts";
import { type RenderOutcome, renderPage } from "../../src/render/render.ts";
import type { RewriterFactory } from "../../src/render/rewriter-types.ts";

export interface Rendered {
  bytes: Uint8Array;
  html: string;
  outcome: RenderOutcome;
  /** `experiment: message` per fault, as the worker would log them. */
  faults: string[];
}

/**
 * The decisions of one visitor put in arm `arm` of one experiment (id "exp") whose variants, in order, have the ops
 * given (`{ control: [], variant: ops }`), with more of the experiment's fields (`target`…) if given.
 */
export function decisionsIn(
  arm: string,
  variants: Record<string, unknown[]>,
  fields: Record<string, unknown> = {},
) {
  const experiment = ExperimentSchema.parse({
    ...fields,
    id: "exp",
    hypothesis: "A change to this page lifts progression to product pages for every visitor",
    status: "running",
    pages: ["/**"],
    variants: Object.entries(variants).map(([id, ops]) => ({
      id,
      weight: id === arm ? 100 : 0,
      ops: ops as Op[],
    })),
    metrics: { primary: "purchase" },
  });
  const rules = compileRules({ version: 1, experiments: [experiment], killed: [] });
  return decide(syntheticContext({ visitorId: "0".repeat(32), now: 0 }), rules);
}

/**
 * Renders `page` through renderPage for one visitor in arm `arm` ("control" or "variant") of one experiment with
 * `ops` (experiment id "exp"), with the given rewriter, as the worker does.
 */
export async function renderArm(
  createRewriter: RewriterFactory,
  page: string | Uint8Array,
  ops: unknown[],
  arm: "control" | "variant" = "variant",
  contentType = "text/html; charset=utf-8",
  /** More of the experiment's fields (`target`…). */
  fields: Record<string, unknown> = {},
): Promise<Rendered> {
  const decisions = decisionsIn(arm, { control: [], variant: ops }, fields);
  return renderDecided(createRewriter, page, decisions, contentType);
}

/**
 * Page views of one experiment with `ops` (id "exp", split 50/50) under the same compiled rules, as an isolate serves
 * them between two rule refreshes: what the renderer learns on one page view holds on the next.
 */
export function samePageViews(createRewriter: RewriterFactory, ops: unknown[]) {
  const experiment = ExperimentSchema.parse({
    id: "exp",
    hypothesis: "A change to this page lifts progression to product pages for every visitor",
    status: "running",
    pages: ["/**"],
    variants: [
      { id: "control", weight: 50 },
      { id: "variant", weight: 50, ops: ops as Op[] },
    ],
    metrics: { primary: "purchase" },
  });
  const rules = compileRules({ version: 1, experiments: [experiment], killed: [] });
  const decisionsIn = (arm: "control" | "variant") => {
    for (let id = 0; ; id++) {
      const decisions = decide(
        syntheticContext({ visitorId: id.toString(16).padStart(32, "0"), now: 0 }),
        rules,
      );
      if (decisions[0]?.variant.id === arm) return decisions;
    }
  };
  const arms = { control: decisionsIn("control"), variant: decisionsIn("variant") };
  return (page: string, arm: "control" | "variant" = "variant") =>
    renderDecided(createRewriter, page, arms[arm]);
}

async function renderDecided(
  createRewriter: RewriterFactory,
  page: string | Uint8Array,
  decisions: ReturnType<typeof decide>,
  contentType = "text/html; charset=utf-8",
): Promise<Rendered> {
  const faults: string[] = [];
  const rendered = renderPage(
    new Response(page as BodyInit, { headers: { "content-type": contentType } }),
    decisions,
    planEdits(decisions),
    NO_RENDER_DATA,
    createRewriter,
    (error, decision) => faults.push(`${decision.compiled.experiment.id}: ${(error as Error).message}`),
  );
  const bytes = new Uint8Array(await rendered.response.arrayBuffer());
  return { bytes, html: new TextDecoder().decode(bytes), outcome: await rendered.outcome, faults };
}

/** Counted as an exposure: the target rendered and no op was skipped. */
export const counted = (outcome: RenderOutcome) => outcome.matched[0] === true && outcome.faulted[0] !== true;
