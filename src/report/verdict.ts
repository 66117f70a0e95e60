/**
 * The verdict in plain words (docs/report.md "Verdict"). In order: no data, not in the rules, no baseline, a
 * sample-ratio mismatch and then crossovers unbalanced across arms (each blocks everything), then "too early"
 * until the planned sample size per arm, a minimum run of whole weeks and a minimum of conversions per arm are all
 * met — saying how far off each is — and only then winner / loser / no detectable difference per arm on the
 * primary metric, using Holm-adjusted p-values. Guardrails that got significantly worse (by their goal's declared
 * direction) are called out whatever the status, with the family's false-alarm rate when there are several.
 */

import type { GoalDirection } from "../core/schema/goals.ts";
import type { Plan } from "../core/schema/plan.ts";
import { sampleSizePerArm } from "../stats/index.ts";
import {
  count,
  differenceInterval,
  intervalLabel,
  percent,
  percentInterval,
  pPhrase,
  signedPercent,
} from "./format.ts";
import { metricLabel } from "./metrics.ts";
import type { Comparison, CrossoverReport, Gate, SrmReport, Verdict } from "./model.ts";

/** Used when an experiment has no plan: PlanSchema's defaults. */
const DEFAULT_MINIMUM_DAYS = 14;
const DEFAULT_MINIMUM_CONVERSIONS = 100;

interface GatedArm {
  id: string;
  visitors: number;
  conversions: number;
}

export interface VerdictInput {
  hasData: boolean;
  configured: boolean;
  baseline: string | undefined;
  plan: Plan | undefined;
  /** The baseline and every treatment: the arms that must reach the plan. */
  gated: GatedArm[];
  primary: Comparison[];
  guardrails: Comparison[];
  srm: SrmReport;
  crossovers: CrossoverReport;
  /** Whole UTC days run, the start's day being day 1. */
  runDays: number;
  alpha: number;
  /** Which way each guardrail goal is better; a goal missing here has no declared direction. */
  directions: ReadonlyMap<string, GoalDirection>;
}

const smallest = (arms: GatedArm[], key: "visitors" | "conversions") =>
  arms.reduce<GatedArm | undefined>(
    (min, arm) => (min === undefined || arm[key] < min[key] ? arm : min),
    undefined,
  );

/**
 * The planned visitors per arm. With several treatment arms the report Holm-adjusts the primary metric, so the
 * plan is solved at the Bonferroni level α/(arms − 1), which Holm never needs more than: the power holds per arm
 * (`stylist plan --arms` does the same).
 */
function plannedSampleSize(plan: Plan, treatments: number): number {
  return Math.ceil(
    sampleSizePerArm({
      baseline: plan.baselineRate,
      mde: plan.minimumEffect,
      relative: plan.relative,
      alpha: plan.alpha / Math.max(1, treatments),
      power: plan.power,
    }),
  );
}

function sampleSizeGate(plan: Plan | undefined, arms: GatedArm[]): Gate {
  const low = smallest(arms, "visitors");
  const actual = low?.visitors ?? 0;
  if (!plan) {
    return {
      met: true,
      required: null,
      actual,
      text: "no planned sample size (the experiment has no `plan`)",
    };
  }
  const treatments = Math.max(1, arms.length - 1);
  let required: number;
  try {
    required = plannedSampleSize(plan, treatments);
  } catch (error) {
    return {
      met: false,
      required: null,
      actual,
      text: `the plan cannot be met: ${(error as Error).message}`,
    };
  }
  const met = actual >= required;
  const share = percent(actual / required, 0);
  return {
    met,
    required,
    actual,
    text: met
      ? `${count(required)} visitors per arm planned${treatments > 1 ? ` (at α/${treatments} for ${treatments} treatment arms)` : ""}; the smallest arm has ${count(actual)}`
      : `${count(actual)} of ${count(required)} planned visitors in the smallest arm (${low?.id}, ${share}): ${count(required - actual)} to go`,
  };
}

/** The run in whole UTC days: met once the data reach the last required day (day 14 of a 14-day minimum). */
function runGate(plan: Plan | undefined, runDays: number): Gate {
  const weeks = Math.ceil((plan?.minimumDays ?? DEFAULT_MINIMUM_DAYS) / 7);
  const required = weeks * 7;
  const met = runDays >= required;
  const run = `${required} days (${weeks} whole week${weeks === 1 ? "" : "s"})`;
  const togo = required - runDays;
  return {
    met,
    required,
    actual: runDays,
    text: met
      ? `ran ${runDays} days, at least ${run}`
      : `day ${runDays} of ${run}: ${togo} more day${togo === 1 ? "" : "s"} to go`,
  };
}

function conversionsGate(plan: Plan | undefined, arms: GatedArm[]): Gate {
  const required = plan?.minimumConversions ?? DEFAULT_MINIMUM_CONVERSIONS;
  const low = smallest(arms, "conversions");
  const actual = low?.conversions ?? 0;
  const met = actual >= required;
  return {
    met,
    required,
    actual,
    text: met
      ? `at least ${count(required)} conversions in every arm`
      : `${count(actual)} of ${count(required)} conversions in the smallest arm (${low?.id}): ${count(required - actual)} to go`,
  };
}

function armVerdict(comparison: Comparison, alpha: number): Verdict["arms"][number] {
  const { arm, baseline, metric, lift, ci, pAdjusted, difference } = comparison;
  const figures = `${signedPercent(lift)} (${intervalLabel(alpha)} ${percentInterval(ci)}, ${pPhrase(pAdjusted, "Holm-adjusted p")})`;
  const significant = pAdjusted !== null && pAdjusted < alpha && difference !== null && difference !== 0;
  if (significant && (difference as number) > 0)
    return { arm, status: "winner", text: `${arm} beats ${baseline} on ${metric}: ${figures}.` };
  if (significant)
    return { arm, status: "loser", text: `${arm} does worse than ${baseline} on ${metric}: ${figures}.` };
  return {
    arm,
    status: "no-detectable-difference",
    text: `${arm}: no detectable difference from ${baseline} on ${metric}, ${figures}.`,
  };
}

function guardrailCallouts(
  guardrails: Comparison[],
  alpha: number,
  directions: ReadonlyMap<string, GoalDirection>,
): Verdict["guardrails"] {
  const callouts: Verdict["guardrails"] = [];
  for (const c of guardrails) {
    if (c.p === null || !(c.p < alpha) || c.difference === null || c.difference === 0) continue;
    const declared = directions.get(c.metric);
    const worse =
      declared === "increase" ? c.difference < 0 : declared === "decrease" ? c.difference > 0 : true;
    if (!worse) continue;
    const figures = `${signedPercent(c.lift)} (${intervalLabel(alpha)} ${percentInterval(c.ci)}, ${pPhrase(c.p)})`;
    callouts.push({
      arm: c.arm,
      metric: c.metric,
      statistic: c.statistic,
      // Undeclared (rules stored before goals had directions): the way it moved, reported as a change.
      direction: declared ?? (c.difference > 0 ? "decrease" : "increase"),
      lift: c.lift,
      p: c.p,
      text: declared
        ? `Guardrail ${metricLabel(c.metric, c.statistic)} got worse in ${c.arm}: ${figures}.`
        : `Guardrail ${metricLabel(c.metric, c.statistic)} changed in ${c.arm} (its goal declares no direction, so whether that is worse is not known): ${figures}.`,
    });
  }
  return callouts;
}

/** Guardrails are tested unadjusted, each at α: with k tests one rings by chance with probability 1 − (1 − α)^k. */
function guardrailFamilyOf(guardrails: Comparison[], alpha: number): Verdict["guardrailFamily"] {
  const tests = guardrails.filter((c) => c.p !== null).length;
  if (tests < 2) return null;
  const falseAlarmRate = 1 - (1 - alpha) ** tests;
  return {
    tests,
    alpha,
    falseAlarmRate,
    text: `${tests} guardrail tests, each unadjusted at α = ${alpha}: with no real change, at least one rings by chance ${percent(falseAlarmRate, 1)} of the time (1 − (1 − α)^${tests}).`,
  };
}

/** Fires on the always-valid interval of the difference and prints that same interval. */
function sequentialCallouts(primary: Comparison[]): Verdict["sequential"] {
  return primary
    .filter((c) => c.sequential?.significant)
    .map((c) => {
      const differenceCi = c.sequential?.differenceCi ?? [null, null];
      return {
        arm: c.arm,
        differenceCi,
        text: `The always-valid interval for the difference in ${metricLabel(c.metric, c.statistic)} in ${c.arm} (${differenceInterval(c.statistic, differenceCi)}) already excludes zero: stopping now is statistically valid, though the plan is not met.`,
      };
    });
}

function withCallouts(
  status: Verdict["status"],
  text: string,
  rest: Omit<Verdict, "status" | "text">,
): Verdict {
  const alarms = [
    ...rest.guardrails.map((g) => g.text),
    ...(rest.guardrailFamily ? [rest.guardrailFamily.text] : []),
  ].join(" ");
  return { status, text: alarms ? `${text} ${alarms}` : text, ...rest };
}

export function verdictOf(input: VerdictInput): Verdict {
  const guardrails = guardrailCallouts(input.guardrails, input.alpha, input.directions);
  const guardrailFamily = guardrailFamilyOf(input.guardrails, input.alpha);
  const planned = input.plan !== undefined;
  const empty = { planned, gates: null, arms: [], guardrails, guardrailFamily, sequential: [] };
  if (!input.hasData) return withCallouts("no-data", "No exposures in this phase yet.", empty);
  if (!input.configured) {
    return withCallouts(
      "not-configured",
      "Not in the rules, so its split and plan are unknown: figures only, no verdict.",
      empty,
    );
  }
  if (input.baseline === undefined) {
    return withCallouts(
      "no-baseline",
      "No baseline arm (a roll-out to everyone, without a holdout): nothing to compare with.",
      empty,
    );
  }
  if (input.srm.ok === false) {
    const p = input.srm.p === null ? "" : ` (${pPhrase(input.srm.p)}, below ${input.srm.threshold})`;
    return withCallouts(
      "sample-ratio-mismatch",
      `Sample ratio mismatch${p}: ${input.srm.note}. No verdict: find the cause (bots, redirects, exposure logging, a changed allocation) before reading any figure.`,
      empty,
    );
  }
  if (input.crossovers.ok === false) {
    const p =
      input.crossovers.p === null
        ? ""
        : ` (${pPhrase(input.crossovers.p)}, below ${input.crossovers.threshold})`;
    return withCallouts(
      "crossover-imbalance",
      `Crossovers unbalanced${p}: ${input.crossovers.note}. No verdict: find why visitors of one arm end up in another (cookie resets, redirects, logins that re-bucket) before reading any figure.`,
      empty,
    );
  }
  const gates = {
    sampleSize: sampleSizeGate(input.plan, input.gated),
    run: runGate(input.plan, input.runDays),
    conversions: conversionsGate(input.plan, input.gated),
  };
  const noPlan = planned
    ? ""
    : ` No plan: only the default minimums were checked (${DEFAULT_MINIMUM_DAYS} days, ${DEFAULT_MINIMUM_CONVERSIONS} conversions per arm), not a sample size; add \`plan\` to the experiment.`;
  const unmet = [gates.sampleSize, gates.run, gates.conversions].filter((gate) => !gate.met);
  if (unmet.length > 0) {
    const sequential = sequentialCallouts(input.primary);
    const early = `Too early: ${unmet.map((gate) => gate.text).join("; ")}.${noPlan}`;
    const text = [early, ...sequential.map((s) => s.text)].join(" ");
    return withCallouts("too-early", text, {
      planned,
      gates,
      arms: [],
      guardrails,
      guardrailFamily,
      sequential,
    });
  }
  const arms = input.primary.map((comparison) => armVerdict(comparison, input.alpha));
  const status = arms.some((arm) => arm.status === "winner")
    ? "winner"
    : arms.some((arm) => arm.status === "loser")
      ? "loser"
      : "no-detectable-difference";
  const text = `${arms.map((arm) => arm.text).join(" ")}${noPlan}`;
  return withCallouts(status, text, { planned, gates, arms, guardrails, guardrailFamily, sequential: [] });
}
