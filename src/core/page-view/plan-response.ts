import type { CompiledRules } from "../decide/compile.ts";
import type { Decision } from "../decide/decide.ts";
import { planEdits, type SelectorPlan } from "./edit-plan.ts";
import type { ExposureOutcome } from "./exposures.ts";
import { redirectTarget } from "./redirect.ts";

/** What serving a page view's decisions takes, once the origin has answered with a personalisable page. */
export type ResponsePlan =
  /** Nothing decided: the origin's body as it came, no rewriter. */
  | { kind: "untouched" }
  /** A split-URL variant: a 302 to `location`; the decisions exposed on decision are logged at once. */
  | { kind: "redirect"; location: URL; exposed: Decision[] }
  /**
   * One rewriter pass with `edits`. `refused[i]`: decision i is a redirect refused at run time (off-site, or a loop),
   * which leaves the visitor on this page; that is not its arm, so it is not logged.
   */
  | { kind: "render"; decisions: Decision[]; edits: SelectorPlan[]; refused: boolean[] };

export const NOTHING_RENDERED: ExposureOutcome = { matched: [], faulted: [] };

/** The redirect a decision asks for, if any; `undefined` when the decision is not a redirect. */
function redirectOf(decision: Decision, url: URL, rules: CompiledRules): URL | "refused" | undefined {
  const op = decision.variant.ops[0];
  if (op?.op !== "redirect") return undefined;
  return redirectTarget(op.url, url, rules.redirectHosts) ?? "refused";
}

/** Redirect, render or leave untouched: the one rule the worker, `stylist simulate` and the page cache follow. */
export function planResponse(decisions: Decision[], url: URL, rules: CompiledRules): ResponsePlan {
  if (decisions.length === 0) return { kind: "untouched" };
  const targets = decisions.map((decision) => redirectOf(decision, url, rules));
  const location = targets.find((target): target is URL => target instanceof URL);
  if (location) {
    const exposed = decisions.filter((candidate) => candidate.compiled.exposeOnDecision);
    return { kind: "redirect", location, exposed };
  }
  return {
    kind: "render",
    decisions,
    edits: planEdits(decisions),
    refused: targets.map((target) => target === "refused"),
  };
}

/**
 * The plan of a kept rendering served again (the worker's page cache): the decisions and refused redirects planResponse
 * gives, with no selector plan, since nothing is rendered; grouping every op by selector on each cache hit was waste.
 */
export function reusePlan(decisions: Decision[], url: URL, rules: CompiledRules): ResponsePlan {
  if (decisions.length === 0) return { kind: "untouched" };
  const refused = decisions.map((decision) => redirectOf(decision, url, rules) === "refused");
  return { kind: "render", decisions, edits: [], refused };
}

/**
 * The decisions a plan logs and their outcome: a redirect's exposed decisions all count as rendered; a render's
 * outcome comes from the rewriter, with refused redirects counted as faults; an untouched page logs no exposure.
 */
export function settledExposures(
  plan: ResponsePlan,
  rendered: ExposureOutcome,
): { decisions: readonly Decision[]; outcome: ExposureOutcome } {
  switch (plan.kind) {
    case "untouched":
      return { decisions: [], outcome: NOTHING_RENDERED };
    case "redirect":
      return {
        decisions: plan.exposed,
        outcome: { matched: plan.exposed.map(() => true), faulted: plan.exposed.map(() => false) },
      };
    case "render":
      return {
        decisions: plan.decisions,
        outcome: { ...rendered, faulted: rendered.faulted.map((f, i) => f || Boolean(plan.refused[i])) },
      };
  }
}
