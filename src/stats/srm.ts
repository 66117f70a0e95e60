/**
 * Sample-ratio mismatch: Pearson's chi-square goodness-of-fit test of the visitors observed in each arm against
 * the configured traffic weights (GrowthBook's default SRM check; SciPy `chisquare(f_obs, f_exp)`).
 *
 *   Eᵢ = N·wᵢ/Σw,   X² = Σ (Oᵢ − Eᵢ)²/Eᵢ,   df = k − 1,   p = P(χ²_df ≥ X²)
 *
 * DESIGN.md: p < 0.001 blocks any verdict (`SRM_THRESHOLD`).
 */

import { chiSquareSurvival } from "./chi-square.ts";

/** The p-value below which a sample-ratio mismatch blocks the verdict. */
export const SRM_THRESHOLD = 0.001;

export interface SrmResult {
  /** Pearson's X². */
  readonly statistic: number;
  /** k − 1. */
  readonly df: number;
  readonly pValue: number;
  /** Expected visitors per arm under the configured weights. */
  readonly expected: readonly number[];
}

/** Chi-square test of observed arm counts against configured weights (any positive scale, e.g. 50/50 or 1:1). */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]): SrmResult {
  if (observed.length !== weights.length) {
    throw new RangeError(`sampleRatioMismatch: ${observed.length} counts but ${weights.length} weights`);
  }
  if (observed.length < 2) throw new RangeError("sampleRatioMismatch: needs at least two arms");
  for (const count of observed) {
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`sampleRatioMismatch: bad count ${count}`);
  }
  for (const weight of weights) {
    if (!(weight > 0 && Number.isFinite(weight)))
      throw new RangeError(`sampleRatioMismatch: bad weight ${weight}`);
  }
  const total = observed.reduce((sum, count) => sum + count, 0);
  const weightTotal = weights.reduce((sum, weight) => sum + weight, 0);
  const expected = weights.map((weight) => (total * weight) / weightTotal);
  const df = observed.length - 1;
  if (total === 0) return { statistic: 0, df, pValue: 1, expected };
  let statistic = 0;
  observed.forEach((count, i) => {
    const e = expected[i] ?? Number.NaN;
    statistic += ((count - e) * (count - e)) / e;
  });
  return { statistic, df, pValue: chiSquareSurvival(statistic, df), expected };
}
