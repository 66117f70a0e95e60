/**
 * One treatment arm against the baseline on one metric, with the statistics core (src/stats):
 * - rate: two-proportion z-test (p), Wald difference, delta-method relative lift, exact Beta chance to beat;
 * - revenue per visitor (zeros included): Welch's t on Σx, Σx² (p and difference), delta-method lift;
 * - average order value Σrevenue/Σorders: a ratio metric, delta method for both the difference and the lift.
 * `pAdjusted` is filled in by the builder (Holm across arms).
 */

import {
  absoluteLiftOfProportions,
  absoluteLiftOfRatios,
  bayesianRelativeLift,
  type Conversions,
  chanceToBeatControlMeans,
  chanceToBeatControlProportions,
  confidenceSequence,
  type EffectEstimate,
  type MomentSums,
  type RatioSums,
  ratioSummary,
  relativeLiftOfMeans,
  relativeLiftOfProportions,
  relativeLiftOfRatios,
  twoProportionZTest,
  welchTTest,
} from "../stats/index.ts";
import type { Comparison, Interval, MetricRole, Statistic } from "./model.ts";
import { type ArmSums, goalOf } from "./sums.ts";

export interface CompareOptions {
  alpha: number;
  /** N* of the confidence sequence; unset: no sequential intervals. */
  sequentialTuning?: number;
  /** Level of the confidence sequences: α/m over m treatment arms (Bonferroni). Default `alpha`. */
  sequentialAlpha?: number;
}

export interface ComparedArm {
  id: string;
  sums: ArmSums | undefined;
}

export const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);
const interval = (ci: readonly [number, number]): Interval => [finite(ci[0]), finite(ci[1])];

interface Estimates {
  baselineValue: number;
  value: number;
  absolute: EffectEstimate;
  relative: EffectEstimate;
  p: number;
  chance: number;
  units: number;
}

function rate(baseline: ArmSums, treatment: ArmSums, goal: string, alpha: number): Estimates | undefined {
  const a: Conversions = { n: baseline.visitors, conversions: goalOf(baseline, goal).converters };
  const b: Conversions = { n: treatment.visitors, conversions: goalOf(treatment, goal).converters };
  if (a.n < 1 || b.n < 1) return undefined;
  return {
    baselineValue: a.conversions / a.n,
    value: b.conversions / b.n,
    absolute: absoluteLiftOfProportions(a, b, { alpha }),
    relative: relativeLiftOfProportions(a, b, { alpha }),
    p: twoProportionZTest(a, b).pValue,
    chance: chanceToBeatControlProportions(a, b),
    units: a.n + b.n,
  };
}

function moments(arm: ArmSums, goal: string): MomentSums {
  const sums = goalOf(arm, goal);
  return { n: arm.visitors, sum: sums.revenue, sumSquares: sums.revenueSquares };
}

function revenuePerVisitor(
  baseline: ArmSums,
  treatment: ArmSums,
  goal: string,
  alpha: number,
): Estimates | undefined {
  if (baseline.visitors < 2 || treatment.visitors < 2) return undefined;
  const a = moments(baseline, goal);
  const b = moments(treatment, goal);
  const absolute = welchTTest(a, b, { alpha });
  return {
    baselineValue: a.sum / a.n,
    value: b.sum / b.n,
    absolute,
    relative: relativeLiftOfMeans(a, b, { alpha }),
    p: absolute.pValue,
    chance: chanceToBeatControlMeans(a, b, { alpha }).chanceToWin,
    units: a.n + b.n,
  };
}

function ratioSums(arm: ArmSums, goal: string): RatioSums {
  const sums = goalOf(arm, goal);
  return {
    n: arm.visitors,
    sumX: sums.revenue,
    sumX2: sums.revenueSquares,
    sumY: sums.orders,
    sumY2: sums.ordersSquares,
    sumXY: sums.revenueOrders,
  };
}

function averageOrderValue(
  baseline: ArmSums,
  treatment: ArmSums,
  goal: string,
  alpha: number,
): Estimates | undefined {
  if (baseline.visitors < 2 || treatment.visitors < 2) return undefined;
  const a = ratioSums(baseline, goal);
  const b = ratioSums(treatment, goal);
  if (a.sumY === 0 || b.sumY === 0) return undefined;
  const absolute = absoluteLiftOfRatios(a, b, { alpha });
  return {
    baselineValue: a.sumX / a.sumY,
    value: b.sumX / b.sumY,
    absolute,
    relative: relativeLiftOfRatios(a, b, { alpha }),
    p: absolute.pValue,
    chance: bayesianRelativeLift(ratioSummary(a), ratioSummary(b), { alpha }).chanceToWin,
    units: a.n + b.n,
  };
}

const ESTIMATORS: Record<Statistic, typeof rate> = { rate, revenuePerVisitor, averageOrderValue };

function sequentialOf(estimates: Estimates, options: CompareOptions): Comparison["sequential"] {
  if (options.sequentialTuning === undefined) return null;
  const sequence = (effect: EffectEstimate): Interval => {
    if (!Number.isFinite(effect.estimate) || !Number.isFinite(effect.standardError)) return [null, null];
    const { lower, upper } = confidenceSequence({
      estimate: effect.estimate,
      standardError: effect.standardError,
      n: estimates.units,
      alpha: options.sequentialAlpha ?? options.alpha,
      tuning: options.sequentialTuning,
    });
    return [lower, upper];
  };
  const differenceCi = sequence(estimates.absolute);
  const [low, high] = differenceCi;
  return {
    ci: sequence(estimates.relative),
    differenceCi,
    significant: low !== null && high !== null && (low > 0 || high < 0),
  };
}

/** The comparison of `treatment` with `baseline` on `metric`'s statistic; nulls when an arm is too small. */
export function compare(
  baseline: ComparedArm,
  treatment: ComparedArm,
  metric: string,
  statistic: Statistic,
  role: MetricRole,
  options: CompareOptions,
): Comparison {
  const estimates =
    baseline.sums && treatment.sums
      ? ESTIMATORS[statistic](baseline.sums, treatment.sums, metric, options.alpha)
      : undefined;
  const p = estimates ? finite(estimates.p) : null;
  return {
    arm: treatment.id,
    baseline: baseline.id,
    metric,
    statistic,
    role,
    baselineValue: estimates ? finite(estimates.baselineValue) : null,
    value: estimates ? finite(estimates.value) : null,
    difference: estimates ? finite(estimates.absolute.estimate) : null,
    differenceCi: estimates ? interval(estimates.absolute.ci) : [null, null],
    lift: estimates ? finite(estimates.relative.estimate) : null,
    ci: estimates ? interval(estimates.relative.ci) : [null, null],
    p,
    pAdjusted: p,
    chanceToBeat: estimates ? finite(estimates.chance) : null,
    significant: p !== null && p < options.alpha,
    sequential: estimates ? sequentialOf(estimates, options) : null,
  };
}
