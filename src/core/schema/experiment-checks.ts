import type * as z from "zod";
import { isRecommendationOp, type Op } from "./ops.ts";

/** The parsed shape the cross-field checks need; kept structural so this file does not import the schema. */
interface Checked {
  status: string;
  pages: string[];
  rollout?: string | undefined;
  holdout?: number | undefined;
  schedule?: { start?: string | undefined; end?: string | undefined } | undefined;
  layer?: { start: number; end: number } | undefined;
  variants: Array<{ id: string; weight: number; ops: Op[] }>;
  metrics: { primary: string; secondary: string[]; guardrails: string[] };
  allocation?: { metric: string; floor: number; control: number } | undefined;
}

const CONTROL = "control";

/** Rules a single field cannot express. Each issue carries the path of the field a person should change. */
export function checkExperiment(experiment: Checked, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const control = experiment.variants.findIndex((variant) => variant.id === CONTROL);
  if (control === -1) {
    issue(
      ["variants"],
      `every experiment needs a variant with id "${CONTROL}": a personalisation is only judged against one`,
    );
  } else if ((experiment.variants[control]?.ops.length ?? 0) > 0) {
    issue(["variants", control, "ops"], "the control serves the origin page unchanged, so it has no ops");
  }
  const seen = new Set<string>();
  experiment.variants.forEach((variant, index) => {
    if (seen.has(variant.id)) issue(["variants", index, "id"], `duplicate variant id "${variant.id}"`);
    seen.add(variant.id);
    if (variant.id !== CONTROL && variant.ops.length === 0) {
      issue(["variants", index, "ops"], "a variant without ops is a second control; give it at least one op");
    }
    const redirect = variant.ops.findIndex((op) => op.op === "redirect");
    if (redirect !== -1 && variant.ops.length > 1) {
      issue(
        ["variants", index, "ops", redirect],
        "a redirect variant sends the visitor elsewhere; it can have no other ops",
      );
    }
  });
  if (experiment.variants.every((variant) => variant.weight === 0)) {
    issue(["variants"], "at least one variant needs a weight above 0");
  }
  if (experiment.status === "rolled-out") {
    const target = experiment.variants.find((variant) => variant.id === experiment.rollout);
    if (!experiment.rollout) issue(["rollout"], "a rolled-out experiment names the variant it rolls out");
    else if (!target || target.id === CONTROL) {
      issue(["rollout"], `"${experiment.rollout}" is not one of this experiment's non-control variants`);
    }
  } else if (experiment.rollout) {
    issue(["rollout"], 'rollout only applies with status "rolled-out"');
  }
  if (experiment.allocation) checkBandit(experiment, experiment.allocation, issue);
  checkRecommendationsHaveControl(experiment, issue);
  const { start, end } = experiment.schedule ?? {};
  if (start && end && Date.parse(end) <= Date.parse(start))
    issue(["schedule", "end"], "the end is not after the start");
  if (experiment.layer && experiment.layer.end <= experiment.layer.start) {
    issue(["layer", "end"], "a layer range ends after it starts, e.g. start 0, end 0.5");
  }
}

/** A bandit moves traffic between variants only while a fixed control share keeps every one of them judgeable. */
function checkBandit(
  experiment: Checked,
  allocation: NonNullable<Checked["allocation"]>,
  issue: (path: PropertyKey[], message: string) => void,
): void {
  if (!experiment.variants.some((variant) => variant.id === CONTROL)) {
    issue(
      ["allocation", "control"],
      `a bandit keeps a fixed share for the "${CONTROL}" variant, and this experiment has none`,
    );
  }
  const others = experiment.variants.filter((variant) => variant.id !== CONTROL).length;
  if (others < 2) {
    issue(["allocation", "mode"], "a bandit needs at least two non-control variants to move traffic between");
  }
  if (allocation.control + allocation.floor * others > 1) {
    issue(
      ["allocation", "floor"],
      `the control's ${allocation.control} plus a floor of ${allocation.floor} for each of ${others} variants is more than all the traffic`,
    );
  }
  const { primary, secondary, guardrails } = experiment.metrics;
  if (![primary, ...secondary, ...guardrails].includes(allocation.metric)) {
    issue(["allocation", "metric"], `"${allocation.metric}" is not one of this experiment's metrics`);
  }
  if (experiment.status === "rolled-out") {
    issue(["allocation"], "a rolled-out experiment serves one variant; remove the bandit allocation");
  }
}

/**
 * Recommendations learnt offline are predictive logic on behavioural data: they are only served where a control
 * still gets traffic to judge them against — a control with weight, and a holdout when rolled out.
 */
function checkRecommendationsHaveControl(
  experiment: Checked,
  issue: (path: PropertyKey[], message: string) => void,
): void {
  const control = experiment.variants.find((variant) => variant.id === CONTROL);
  if (!control) return; // already reported
  const rolledOut = experiment.status === "rolled-out";
  experiment.variants.forEach((variant, index) => {
    const at = variant.ops.findIndex(isRecommendationOp);
    if (at === -1) return;
    const op = variant.ops[at]?.op;
    if (control.weight === 0)
      issue(
        ["variants", index, "ops", at],
        `${op} needs a control arm to be tested against: give the "${CONTROL}" variant a weight above 0`,
      );
    else if (
      rolledOut &&
      experiment.rollout === variant.id &&
      !(experiment.holdout && experiment.holdout > 0)
    )
      issue(
        ["variants", index, "ops", at],
        `${op} needs a control arm to be tested against: a rolled-out recommendation keeps a holdout above 0`,
      );
  });
}
