/**
 * Treatment-versus-control effects from two arm summaries: the absolute difference and the relative lift, each
 * with its standard error, test statistic, two-sided p-value and confidence interval.
 *
 * Notation follows DESIGN.md and GrowthBook's "Statistical Details" page (A = control, B = treatment; σ² is the
 * per-unit variance and n the number of units, so the variance of an arm's mean is σ²/n):
 *
 *   absolute  Δ = μB − μA,            Var(Δ) = σA²/nA + σB²/nB
 *   relative  L = (μB − μA)/μA,       Var(L) ≈ σB²/(nB·μA²) + σA²·μB²/(nA·μA⁴)   (delta method)
 *
 * The reference distribution is either the standard normal (proportions: the z-test world) or Student's t with
 * Welch–Satterthwaite degrees of freedom ν = (vA + vB)² / (vA²/(nA − 1) + vB²/(nB − 1)), vX = σX²/nX, which is
 * what GrowthBook's frequentist engine uses for every metric; the difference shrinks as 1/ν (the 97.5% critical
 * value is 1.9608 at ν = 3,000 against the normal's 1.9600).
 */

import { normalQuantile, normalSurvival } from "./normal.ts";
import { studentTQuantile, studentTTwoSidedPValue } from "./student-t.ts";

/** One arm reduced to what the tests need: units, mean per unit, and the per-unit variance σ². */
export interface ArmSummary {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

export type Reference = "normal" | "welch";

export interface EffectOptions {
  /** Two-sided significance level; the interval has coverage 1 − alpha. Default 0.05. */
  readonly alpha?: number;
}

export interface EffectEstimate {
  /** Point estimate (μB − μA for absolute effects, μB/μA − 1 for relative lift). */
  readonly estimate: number;
  readonly standardError: number;
  /** estimate / standardError (z or t). */
  readonly statistic: number;
  /** Degrees of freedom of the reference distribution; Infinity for the normal. */
  readonly df: number;
  /** Two-sided p-value for "no effect". */
  readonly pValue: number;
  /** Two-sided (1 − alpha) confidence interval [lower, upper]. */
  readonly ci: readonly [number, number];
}

/** Checks a two-sided significance level and returns it. */
export function checkAlpha(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  return alpha;
}

/** Welch–Satterthwaite degrees of freedom for the difference of two arm means. */
export function welchSatterthwaiteDf(control: ArmSummary, treatment: ArmSummary): number {
  const vA = control.variance / control.n;
  const vB = treatment.variance / treatment.n;
  return (vA + vB) ** 2 / ((vA * vA) / (control.n - 1) + (vB * vB) / (treatment.n - 1));
}

const UNDEFINED_EFFECT: EffectEstimate = {
  estimate: Number.NaN,
  standardError: Number.NaN,
  statistic: Number.NaN,
  df: Number.NaN,
  pValue: Number.NaN,
  ci: [Number.NaN, Number.NaN],
};

/** Builds the estimate's statistic, p-value and interval from its variance and the reference distribution. */
function effectFromVariance(
  estimate: number,
  variance: number,
  df: number,
  options: EffectOptions = {},
): EffectEstimate {
  const alpha = checkAlpha(options.alpha ?? 0.05);
  if (Number.isNaN(estimate) || Number.isNaN(variance)) return UNDEFINED_EFFECT;
  const standardError = Math.sqrt(variance);
  if (standardError === 0) {
    // A degenerate sampling distribution: the estimate is exact.
    const statistic = estimate === 0 ? 0 : Math.sign(estimate) * Number.POSITIVE_INFINITY;
    const pValue = estimate === 0 ? 1 : 0;
    return {
      estimate,
      standardError,
      statistic,
      df: Number.POSITIVE_INFINITY,
      pValue,
      ci: [estimate, estimate],
    };
  }
  const statistic = estimate / standardError;
  const normal = df === Number.POSITIVE_INFINITY;
  const pValue = normal ? 2 * normalSurvival(Math.abs(statistic)) : studentTTwoSidedPValue(statistic, df);
  const critical = normal ? normalQuantile(1 - alpha / 2) : studentTQuantile(1 - alpha / 2, df);
  const halfWidth = critical * standardError;
  return { estimate, standardError, statistic, df, pValue, ci: [estimate - halfWidth, estimate + halfWidth] };
}

function referenceDf(control: ArmSummary, treatment: ArmSummary, reference: Reference): number {
  return reference === "normal" ? Number.POSITIVE_INFINITY : welchSatterthwaiteDf(control, treatment);
}

/** Absolute effect μB − μA with Var = σA²/nA + σB²/nB (unpooled). */
export function absoluteEffect(
  control: ArmSummary,
  treatment: ArmSummary,
  reference: Reference,
  options: EffectOptions = {},
): EffectEstimate {
  const variance = control.variance / control.n + treatment.variance / treatment.n;
  const df = referenceDf(control, treatment, reference);
  return effectFromVariance(treatment.mean - control.mean, variance, df, options);
}

/**
 * Relative lift μB/μA − 1 with the delta-method variance σB²/(nB·μA²) + σA²·μB²/(nA·μA⁴).
 * Undefined (NaN throughout) when the control mean is 0.
 */
export function relativeEffect(
  control: ArmSummary,
  treatment: ArmSummary,
  reference: Reference,
  options: EffectOptions = {},
): EffectEstimate {
  const muA = control.mean;
  const muB = treatment.mean;
  if (muA === 0) {
    checkAlpha(options.alpha ?? 0.05);
    return UNDEFINED_EFFECT;
  }
  const variance =
    treatment.variance / (treatment.n * muA * muA) + (control.variance * muB * muB) / (control.n * muA ** 4);
  const df = referenceDf(control, treatment, reference);
  return effectFromVariance(muB / muA - 1, variance, df, options);
}
