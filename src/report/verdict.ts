/**
 * The verdict in plain words (docs/report.md "Verdict"). In order: no data, not in the rules, no baseline, a
 * sample-ratio mismatch (blocks everything), then "too early" until the planned sample size per arm, a minimum run
 * of whole weeks and a minimum of conversions per arm are all met — saying how far off each is — and only then
 * winner / loser / no detectable difference per arm on the primary metric, using Holm-adjusted p-values.
 * Guardrails that got significantly worse are called out whatever the status.
 */

import type { Plan } from "../core/schema/plan.ts";
import { sampleSizePerArm } from "../stats/index.ts";
import { count, days, percent, percentInterval, pPhrase, signedPercent } from "./format.ts";
import { lowerIsBetter, metricLabel } from "./metrics.ts";
import type { Comparison, Gate, SrmReport, Verdict } from "./model.ts";

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
  elapsedDays: number;
  alpha: number;
}

const smallest = (arms: GatedArm[], key: "visitors" | "conversions") =>
  arms.reduce<GatedArm | undefined>(
    (min, arm) => (min === undefined || arm[key] < min[key] ? arm : min),
    undefined,
  );

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
  let required: number;
  try {
    required = Math.ceil(
      sampleSizePerArm({
        baseline: plan.baselineRate,
        mde: plan.minimumEffect,
        relative: plan.relative,
        alpha: plan.alpha,
        power: plan.power,
      }),
    );
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
      ? `${count(required)} visitors per arm planned; the smallest arm has ${count(actual)}`
      : `${count(actual)} of ${count(required)} planned visitors in the smallest arm (${low?.id}, ${share}): ${count(required - actual)} to go`,
  };
}

function runGate(plan: Plan | undefined, elapsed: number): Gate {
  const weeks = Math.ceil((plan?.minimumDays ?? DEFAULT_MINIMUM_DAYS) / 7);
  const required = weeks * 7;
  const met = elapsed >= required;
  const run = `${required} days (${weeks} whole week${weeks === 1 ? "" : "s"})`;
  return {
    met,
    required,
    actual: elapsed,
    text: met
      ? `ran ${days(elapsed)} days, at least ${run}`
      : `ran ${days(elapsed)} of ${run}: ${days(required - elapsed)} days to go`,
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
  const figures = `${signedPercent(lift)} (95% CI ${percentInterval(ci)}, ${pPhrase(pAdjusted, "Holm-adjusted p")})`;
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

function guardrailCallouts(guardrails: Comparison[], alpha: number): Verdict["guardrails"] {
  return guardrails
    .filter((c) => c.p !== null && c.p < alpha && c.difference !== null)
    .filter((c) => (lowerIsBetter(c.metric) ? (c.difference as number) > 0 : (c.difference as number) < 0))
    .map((c) => ({
      arm: c.arm,
      metric: c.metric,
      statistic: c.statistic,
      lift: c.lift,
      p: c.p,
      text: `Guardrail ${metricLabel(c.metric, c.statistic)} got worse in ${c.arm}: ${signedPercent(c.lift)} (95% CI ${percentInterval(c.ci)}, ${pPhrase(c.p)}).`,
    }));
}

function sequentialCallouts(primary: Comparison[]): Verdict["sequential"] {
  return primary
    .filter((c) => c.sequential?.significant)
    .map((c) => ({
      arm: c.arm,
      text: `The always-valid interval for ${c.arm} (${percentInterval(c.sequential?.ci ?? [null, null])}) already excludes no difference: stopping now is statistically valid, though the plan is not met.`,
    }));
}

function withCallouts(
  status: Verdict["status"],
  text: string,
  rest: Omit<Verdict, "status" | "text">,
): Verdict {
  const alarms = rest.guardrails.map((g) => g.text).join(" ");
  return { status, text: alarms ? `${text} ${alarms}` : text, ...rest };
}

export function verdictOf(input: VerdictInput): Verdict {
  const guardrails = guardrailCallouts(input.guardrails, input.alpha);
  const planned = input.plan !== undefined;
  const empty = { planned, gates: null, arms: [], guardrails, sequential: [] };
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
  const gates = {
    sampleSize: sampleSizeGate(input.plan, input.gated),
    run: runGate(input.plan, input.elapsedDays),
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
    return withCallouts("too-early", text, { planned, gates, arms: [], guardrails, sequential });
  }
  const arms = input.primary.map((comparison) => armVerdict(comparison, input.alpha));
  const status = arms.some((arm) => arm.status === "winner")
    ? "winner"
    : arms.some((arm) => arm.status === "loser")
      ? "loser"
      : "no-detectable-difference";
  const text = `${arms.map((arm) => arm.text).join(" ")}${noPlan}`;
  return withCallouts(status, text, { planned, gates, arms, guardrails, sequential: [] });
}
