/**
 * Per-visitor means (revenue per visitor, zeros included) from sufficient statistics n, Σx, Σx²: Welch's t-test
 * on the difference and the relative lift of means with a delta-method interval, both referred to Student's t
 * with Welch–Satterthwaite degrees of freedom (as R `t.test(var.equal = FALSE)` and GrowthBook do).
 *
 * Sums in floating point: with revenue in minor units, Σx² stays exact below 2^53 ≈ 9e15; beyond that the
 * variance loses digits to cancellation when the mean is large compared with the spread.
 */

import {
  type ArmSummary,
  absoluteEffect,
  type EffectEstimate,
  type EffectOptions,
  relativeEffect,
} from "./effect.ts";

/** Sufficient statistics of one arm: units, Σx and Σx² over units. */
export interface MomentSums {
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

/**
 * Mean Σx/n and unbiased sample variance (Σx² − (Σx)²/n)/(n − 1) (rounding below zero is clamped to 0).
 * Needs n ≥ 2.
 */
export function summarizeMoments(sums: MomentSums, label = "summarizeMoments"): ArmSummary {
  const { n, sum, sumSquares } = sums;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`${label}: n must be an integer ≥ 2, got ${n}`);
  if (!Number.isFinite(sum) || !Number.isFinite(sumSquares))
    throw new RangeError(`${label}: sums must be finite`);
  const mean = sum / n;
  const variance = Math.max(0, (sumSquares - sum * mean) / (n - 1));
  return { n, mean, variance };
}

/**
 * Welch's two-sample t-test of μB − μA (treatment minus control): estimate, standard error √(sA²/nA + sB²/nB),
 * t statistic, Welch–Satterthwaite df, two-sided p-value and (1 − alpha) interval.
 */
export function welchTTest(
  control: MomentSums,
  treatment: MomentSums,
  options: EffectOptions = {},
): EffectEstimate {
  return absoluteEffect(
    summarizeMoments(control, "welchTTest control"),
    summarizeMoments(treatment, "welchTTest treatment"),
    "welch",
    options,
  );
}

/** Relative lift μB/μA − 1 of per-unit means with a delta-method interval on Welch's t. */
export function relativeLiftOfMeans(
  control: MomentSums,
  treatment: MomentSums,
  options: EffectOptions = {},
): EffectEstimate {
  return relativeEffect(
    summarizeMoments(control, "relativeLiftOfMeans control"),
    summarizeMoments(treatment, "relativeLiftOfMeans treatment"),
    "welch",
    options,
  );
}
