import { CONTROL, type Experiment, HOLDOUT } from "../schema/experiment.ts";
import { GLOBAL_HOLDOUT, PERSONALISED } from "../schema/settings.ts";
import type { CompiledExperiment, CompiledRules } from "./compile.ts";
import type { Decision } from "./decision.ts";
import { bucket } from "./hash.ts";

/** The programme holdout, as an experiment of its own so it is exposed, logged and reported like any other. */
const PROGRAMME: Experiment = {
  id: GLOBAL_HOLDOUT,
  hypothesis:
    "The personalisation programme as a whole lifts the business metrics of the visitors who get it",
  status: "running",
  pages: ["/**"],
  coverage: 1,
  holdout: 0,
  allowOverlap: true,
  variants: [
    { id: CONTROL, weight: 0, ops: [] },
    { id: PERSONALISED, weight: 1, ops: [] },
  ],
  metrics: { primary: "purchase", secondary: [], guardrails: [] },
};

/** Whether this visitor is in the programme holdout: no personalisation at all, kept as a comparison group. */
export function inProgrammeHoldout(rules: CompiledRules, visitorId: string): boolean {
  return rules.holdout !== undefined && bucket(rules.holdout.seed, visitorId) < rules.holdout.share;
}

/**
 * Applies the programme holdout to one page view's decisions. A held-back visitor gets none of them (the origin
 * page) and one "holdout" exposure; everyone else keeps theirs plus one "personalised" exposure. Both are logged
 * under the same rule — the page had at least one eligible experiment and one of its targets rendered — so the
 * two groups are comparable.
 */
export function applyProgrammeHoldout(
  rules: CompiledRules,
  decisions: Decision[],
  visitorId: string,
): Decision[] {
  if (!rules.holdout || decisions.length === 0) return decisions;
  const position = bucket(rules.holdout.seed, visitorId);
  const heldBack = inProgrammeHoldout(rules, visitorId);
  const selectors = [...new Set(decisions.flatMap((decision) => decision.compiled.exposureSelectors))];
  const compiled: CompiledExperiment = {
    experiment: PROGRAMME,
    seed: rules.holdout.seed,
    phase: rules.holdout.phase,
    period: undefined,
    weighted: PROGRAMME.variants,
    audience: undefined,
    pages: [],
    exposureSelectors: selectors,
    exposeOnDecision:
      selectors.length === 0 || decisions.some((decision) => decision.compiled.exposeOnDecision),
    visitorSpecificArms: new Set(),
    usesCatalogue: false,
    usesRecommendations: false,
    startsAt: undefined,
    endsAt: undefined,
  };
  const arm = heldBack ? HOLDOUT : PERSONALISED;
  const programme: Decision = {
    compiled,
    variant: { id: arm, weight: 0, ops: [] },
    arm,
    control: true,
    bucket: position,
  };
  return heldBack ? [programme] : [...decisions, programme];
}
