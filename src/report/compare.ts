/**
 * One treatment arm against the baseline on one metric, with the statistics core (src/stats):
 * - rate: two-proportion z-test (Fisher's exact test when an expected cell count is below 5), Newcombe's
 *   hybrid score interval for the difference, delta-method relative lift, exact Beta chance to beat;
 * - revenue per visitor (zeros included): Welch's t on Σx, Σx² (p and difference), delta-method lift;
 * - average order value Σrevenue/Σorders: a ratio metric, delta method for both the difference and the lift.
 * With CUPED, rate and revenue per visitor are adjusted with the visitor's own pre-exposure figure of the goal.
 *
 * No interval is ever a point: where a normal approximation has nothing to stand on (no variation at all, fewer
 * than five conversions for a relative interval, fewer than two buyers for an average order value) the figure is
 * null and `note` says why. `pAdjusted` is filled in by the builder (Holm across arms).
 */

import {
  type ArmSummary,
  absoluteEffect,
  absoluteLiftOfRatios,
  bayesianRelativeLift,
  type Conversions,
  type CovariateSums,
  chanceToBeatControlMeans,
  chanceToBeatControlProportions,
  confidenceSequence,
  cupedAdjust,
  type EffectEstimate,
  fisherExactTest,
  type MomentSums,
  newcombeDifference,
  type RatioSums,
  ratioSummary,
  relativeEffect,
  relativeLiftOfMeans,
  relativeLiftOfRatios,
  twoProportionZTest,
  welchTTest,
} from "../stats/index.ts";
import type { Comparison, Interval, MetricRole, Statistic } from "./model.ts";
import { type ArmSums, type GoalSums, goalOf } from "./sums.ts";

export interface CompareOptions {
  alpha: number;
  /** N* of the confidence sequence; unset: no sequential intervals. */
  sequentialTuning?: number;
  /** Level of the confidence sequences: α/m over m treatment arms (Bonferroni). Default `alpha`. */
  sequentialAlpha?: number;
  /** Adjust rate and revenue per visitor with the pre-exposure covariate (the sums carry it). */
  cuped?: boolean;
}

export interface ComparedArm {
  id: string;
  sums: ArmSums | undefined;
}

export const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** An interval, or nulls when it is not finite or has no width (a point is not an interval). */
const interval = (ci: readonly [number, number]): Interval =>
  Number.isFinite(ci[0]) && Number.isFinite(ci[1]) && ci[1] > ci[0] ? [ci[0], ci[1]] : [null, null];

/** Fewer conversions (or non-conversions) than this in an arm: no normal-theory relative interval for a rate. */
const MIN_CONVERSIONS_FOR_LIFT = 5;
/** Fewer buyers than this in an arm: no average order value comparison. */
const MIN_BUYERS_FOR_AOV = 2;

interface Estimates {
  baselineValue: number;
  value: number;
  absolute: EffectEstimate;
  differenceCi: Interval;
  relative: EffectEstimate;
  /** False when the relative interval is not to be trusted (too few conversions). */
  relativeCi: boolean;
  p: number;
  chance: number | null;
  units: number;
  method: string;
  note: string | null;
  cuped: Comparison["cuped"];
}

type Estimator = (
  baseline: ArmSums,
  treatment: ArmSums,
  goal: string,
  options: CompareOptions,
) => Estimates | string;

function covariateOfRate(arm: ArmSums, sums: GoalSums): CovariateSums {
  return {
    n: arm.visitors,
    sumY: sums.converters,
    sumY2: sums.converters,
    sumX: sums.preConverters,
    sumX2: sums.preConverters,
    sumXY: sums.preConvertersConverted,
  };
}

function covariateOfRevenue(arm: ArmSums, sums: GoalSums): CovariateSums {
  return {
    n: arm.visitors,
    sumY: sums.revenue,
    sumY2: sums.revenueSquares,
    sumX: sums.preRevenue,
    sumX2: sums.preRevenueSquares,
    sumXY: sums.revenuePreRevenue,
  };
}

/** CUPED estimates from two arms' covariate sums; undefined when the covariate never varies (nothing to adjust). */
function cupedEstimates(
  a: CovariateSums,
  b: CovariateSums,
  reference: "normal" | "welch",
  covariate: string,
  alpha: number,
): Pick<Estimates, "absolute" | "relative" | "p" | "method" | "cuped" | "differenceCi"> | undefined {
  if (a.n < 2 || b.n < 2 || a.sumX + b.sumX === 0) return undefined;
  const result = cupedAdjust(a, b);
  if (result.theta === 0) return undefined;
  const absolute = absoluteEffect(result.control, result.treatment, reference, { alpha });
  return {
    absolute,
    differenceCi: interval(absolute.ci),
    relative: relativeEffect(result.control, result.treatment, reference, { alpha }),
    p: absolute.pValue,
    method: reference === "normal" ? "cuped-z" : "cuped-welch-t",
    cuped: { theta: result.theta, varianceReduction: result.varianceReduction, covariate },
  };
}

function rate(
  baseline: ArmSums,
  treatment: ArmSums,
  goal: string,
  options: CompareOptions,
): Estimates | string {
  const { alpha } = options;
  const sumsA = goalOf(baseline, goal);
  const sumsB = goalOf(treatment, goal);
  const a: Conversions = { n: baseline.visitors, conversions: sumsA.converters };
  const b: Conversions = { n: treatment.visitors, conversions: sumsB.converters };
  if (a.n < 1 || b.n < 1) return "an arm has no visitors";
  const converted = a.conversions + b.conversions;
  if (converted === 0) return "no conversions in either arm: nothing to test";
  if (converted === a.n + b.n) return "every visitor converted in both arms: nothing to test";
  const summary = (arm: Conversions): ArmSummary => {
    const p = arm.conversions / arm.n;
    return { n: arm.n, mean: p, variance: p * (1 - p) };
  };
  const fewest = Math.min(a.conversions, b.conversions, a.n - a.conversions, b.n - b.conversions);
  const pooled = (a.conversions + b.conversions) / (a.n + b.n);
  const minExpected = Math.min(a.n, b.n) * Math.min(pooled, 1 - pooled);
  const exact = minExpected < 5;
  const absolute = absoluteEffect(summary(a), summary(b), "normal", { alpha });
  const relative = relativeEffect(summary(a), summary(b), "normal", { alpha });
  const base: Estimates = {
    baselineValue: a.conversions / a.n,
    value: b.conversions / b.n,
    absolute,
    differenceCi: interval(newcombeDifference(a, b, alpha)),
    relative,
    relativeCi: fewest >= MIN_CONVERSIONS_FOR_LIFT,
    p: exact
      ? fisherExactTest([
          [b.conversions, b.n - b.conversions],
          [a.conversions, a.n - a.conversions],
        ]).pValue
      : twoProportionZTest(a, b).pValue,
    chance: chanceToBeatControlProportions(a, b),
    units: a.n + b.n,
    method: exact ? "fisher-exact" : "z-test",
    note:
      fewest < MIN_CONVERSIONS_FOR_LIFT
        ? `fewer than ${MIN_CONVERSIONS_FOR_LIFT} conversions (or non-conversions) in an arm: no relative interval; the difference interval is Newcombe's${exact ? " and p is Fisher's exact test" : ""}`
        : null,
    cuped: null,
  };
  if (!options.cuped) return base;
  const adjusted = cupedEstimates(
    covariateOfRate(baseline, sumsA),
    covariateOfRate(treatment, sumsB),
    "normal",
    `${goal} conversion before exposure`,
    alpha,
  );
  return adjusted ? { ...base, ...adjusted } : base;
}

function moments(arm: ArmSums, goal: string): MomentSums {
  const sums = goalOf(arm, goal);
  return { n: arm.visitors, sum: sums.revenue, sumSquares: sums.revenueSquares };
}

function revenuePerVisitor(
  baseline: ArmSums,
  treatment: ArmSums,
  goal: string,
  options: CompareOptions,
): Estimates | string {
  const { alpha } = options;
  if (baseline.visitors < 2 || treatment.visitors < 2) return "fewer than two visitors in an arm";
  const a = moments(baseline, goal);
  const b = moments(treatment, goal);
  const absolute = welchTTest(a, b, { alpha });
  if (!(absolute.standardError > 0)) return "no variation in revenue in either arm: nothing to test";
  const base: Estimates = {
    baselineValue: a.sum / a.n,
    value: b.sum / b.n,
    absolute,
    differenceCi: interval(absolute.ci),
    relative: relativeLiftOfMeans(a, b, { alpha }),
    relativeCi: true,
    p: absolute.pValue,
    chance: chanceToBeatControlMeans(a, b, { alpha }).chanceToWin,
    units: a.n + b.n,
    method: "welch-t",
    note: null,
    cuped: null,
  };
  if (!options.cuped) return base;
  const adjusted = cupedEstimates(
    covariateOfRevenue(baseline, goalOf(baseline, goal)),
    covariateOfRevenue(treatment, goalOf(treatment, goal)),
    "welch",
    `${goal} revenue before exposure`,
    alpha,
  );
  return adjusted ? { ...base, ...adjusted } : base;
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
  options: CompareOptions,
): Estimates | string {
  const { alpha } = options;
  if (baseline.visitors < 2 || treatment.visitors < 2) return "fewer than two visitors in an arm";
  const buyers = Math.min(goalOf(baseline, goal).converters, goalOf(treatment, goal).converters);
  // One buyer's orders make the ratio exact in the delta method (zero variance, p = 0): not evidence.
  if (buyers < MIN_BUYERS_FOR_AOV)
    return `fewer than ${MIN_BUYERS_FOR_AOV} buyers in an arm: an average order value cannot be compared`;
  const a = ratioSums(baseline, goal);
  const b = ratioSums(treatment, goal);
  const absolute = absoluteLiftOfRatios(a, b, { alpha });
  if (!(absolute.standardError > 0)) return "every order value is the same in both arms: nothing to test";
  return {
    baselineValue: a.sumX / a.sumY,
    value: b.sumX / b.sumY,
    absolute,
    differenceCi: interval(absolute.ci),
    relative: relativeLiftOfRatios(a, b, { alpha }),
    relativeCi: true,
    p: absolute.pValue,
    chance: bayesianRelativeLift(ratioSummary(a), ratioSummary(b), { alpha }).chanceToWin,
    units: a.n + b.n,
    method: "welch-t",
    note: null,
    cuped: null,
  };
}

const ESTIMATORS: Record<Statistic, Estimator> = { rate, revenuePerVisitor, averageOrderValue };

function sequentialOf(estimates: Estimates, options: CompareOptions): Comparison["sequential"] {
  if (options.sequentialTuning === undefined) return null;
  const sequence = (effect: EffectEstimate): Interval => {
    if (!Number.isFinite(effect.estimate) || !(effect.standardError > 0)) return [null, null];
    const { lower, upper } = confidenceSequence({
      estimate: effect.estimate,
      standardError: effect.standardError,
      n: estimates.units,
      alpha: options.sequentialAlpha ?? options.alpha,
      tuning: options.sequentialTuning,
    });
    return interval([lower, upper]);
  };
  const differenceCi = sequence(estimates.absolute);
  const [low, high] = differenceCi;
  return {
    ci: estimates.relativeCi ? sequence(estimates.relative) : [null, null],
    differenceCi,
    significant: low !== null && high !== null && (low > 0 || high < 0),
  };
}

/** The comparison of `treatment` with `baseline` on `metric`'s statistic; nulls with a note when it cannot be made. */
export function compare(
  baseline: ComparedArm,
  treatment: ComparedArm,
  metric: string,
  statistic: Statistic,
  role: MetricRole,
  options: CompareOptions,
): Comparison {
  const result =
    baseline.sums && treatment.sums
      ? ESTIMATORS[statistic](baseline.sums, treatment.sums, metric, options)
      : "an arm has no visitors";
  const estimates = typeof result === "string" ? undefined : result;
  const p = estimates ? finite(estimates.p) : null;
  const differenceCi = estimates ? estimates.differenceCi : ([null, null] as Interval);
  const ci = estimates?.relativeCi ? interval(estimates.relative.ci) : ([null, null] as Interval);
  const zeroBaseline = estimates !== undefined && !Number.isFinite(estimates.relative.estimate);
  const noVariation = estimates?.relativeCi && ci[0] === null && !zeroBaseline;
  const note =
    typeof result === "string"
      ? result
      : (estimates?.note ??
        (zeroBaseline
          ? "the baseline is zero: no relative lift"
          : noVariation
            ? "no variation in an arm: no relative interval"
            : null));
  return {
    arm: treatment.id,
    baseline: baseline.id,
    metric,
    statistic,
    role,
    baselineValue: estimates ? finite(estimates.baselineValue) : null,
    value: estimates ? finite(estimates.value) : null,
    difference: estimates ? finite(estimates.absolute.estimate) : null,
    differenceCi,
    lift: estimates ? finite(estimates.relative.estimate) : null,
    ci,
    p,
    pAdjusted: p,
    method: estimates?.method ?? null,
    note,
    cuped: estimates?.cuped ?? null,
    chanceToBeat: estimates?.chance != null ? finite(estimates.chance) : null,
    significant: p !== null && p < options.alpha,
    sequential: estimates ? sequentialOf(estimates, options) : null,
  };
}
