/**
 * Estimates for an experiment whose allocation changed during the run (a bandit's periods). Pooling every visitor of
 * an arm weights each period by the share of the arm's traffic it got, which the bandit itself chose; when the base
 * rate moves between periods, that makes arms differ that do not (Simpson's paradox). Stratifying by period and
 * weighting every arm's period means by the same period weights wₚ = Nₚ/N (Nₚ: visitors of all arms in period p)
 * compares arms on the same mix of periods:
 *
 *   mean = Σₚ wₚ·x̄ₚ,   Var(mean) = Σₚ wₚ²·sₚ²/nₚ
 *
 * as GrowthBook's bandit estimator does (gbstats/bayesian/bandits_previous.py, `weight_by_period`:
 * construct_weighted_means, construct_weighted_variances), and Optimizely's epoch stats engine. A period in which an
 * arm has no visitor cannot contribute to it; the remaining period weights are renormalised for that arm.
 */

import { chiSquareSurvival } from "./chi-square.ts";

/** One arm in one period: visitors, and the sum and sum of squares of the metric per visitor (0/1 for a goal). */
export interface PeriodCell {
  n: number;
  sum: number;
  sumSquares: number;
}

export interface StratifiedEstimate {
  mean: number;
  /** Variance of the estimated mean. */
  variance: number;
  /** Visitors of the arm across the periods that count. */
  n: number;
}

/** Visitors of all arms in each period; the periods' weights are these over their total. */
export function periodTotals(cells: readonly (readonly PeriodCell[])[]): number[] {
  return cells.map((period) => period.reduce((sum, cell) => sum + cell.n, 0));
}

/** The stratified mean and its variance for one arm; `arm` indexes each period's cells. */
export function stratifiedMean(cells: readonly (readonly PeriodCell[])[], arm: number): StratifiedEstimate {
  const totals = periodTotals(cells);
  let weightTotal = 0;
  cells.forEach((period, p) => {
    if ((period[arm]?.n ?? 0) > 0) weightTotal += totals[p] ?? 0;
  });
  let mean = 0;
  let variance = 0;
  let n = 0;
  if (weightTotal === 0) return { mean: Number.NaN, variance: Number.NaN, n: 0 };
  cells.forEach((period, p) => {
    const cell = period[arm];
    if (!cell || cell.n === 0) return;
    const w = (totals[p] ?? 0) / weightTotal;
    const cellMean = cell.sum / cell.n;
    const s2 = cell.n > 1 ? Math.max(0, (cell.sumSquares - cell.n * cellMean * cellMean) / (cell.n - 1)) : 0;
    mean += w * cellMean;
    variance += (w * w * s2) / cell.n;
    n += cell.n;
  });
  return { mean, variance, n };
}

/** The naive estimate: every visitor of the arm pooled, whatever period they came in. Biased under drift. */
export function pooledMean(cells: readonly (readonly PeriodCell[])[], arm: number): StratifiedEstimate {
  let n = 0;
  let sum = 0;
  let sumSquares = 0;
  for (const period of cells) {
    n += period[arm]?.n ?? 0;
    sum += period[arm]?.sum ?? 0;
    sumSquares += period[arm]?.sumSquares ?? 0;
  }
  const mean = sum / n;
  const s2 = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
  return { mean, variance: s2 / n, n };
}

export interface PeriodSrm {
  statistic: number;
  df: number;
  pValue: number;
  /** Expected visitors per period and arm: Nₚ × the period's configured share. */
  expected: number[][];
}

/**
 * Sample-ratio mismatch when the expected shares change by period: Pearson's X² over every period × arm cell against
 * Nₚ·share, df = Σₚ (armsₚ − 1), as GrowthBook's bandit SRM (bandits_previous.py `compute_srm`). Periods without
 * visitors add nothing.
 */
export function periodSampleRatioMismatch(
  observed: readonly (readonly number[])[],
  shares: readonly (readonly number[])[],
): PeriodSrm {
  let statistic = 0;
  let df = 0;
  const expected = observed.map((counts, p) => {
    const weights = shares[p] ?? [];
    const total = counts.reduce((sum, count) => sum + count, 0);
    const weightTotal = weights.reduce((sum, weight) => sum + weight, 0);
    const row = counts.map((_, arm) => (weightTotal > 0 ? (total * (weights[arm] ?? 0)) / weightTotal : 0));
    if (total === 0) return row;
    let armsWithShare = 0;
    counts.forEach((count, arm) => {
      const e = row[arm] ?? 0;
      if (e > 0) {
        statistic += ((count - e) * (count - e)) / e;
        armsWithShare += 1;
      } else if (count > 0) {
        statistic = Number.POSITIVE_INFINITY; // visitors in an arm the period gave no traffic
      }
    });
    df += Math.max(0, armsWithShare - 1);
    return row;
  });
  const pValue = statistic === Number.POSITIVE_INFINITY ? 0 : df === 0 ? 1 : chiSquareSurvival(statistic, df);
  return { statistic, df, pValue, expected };
}
