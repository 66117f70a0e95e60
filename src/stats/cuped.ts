/**
 * CUPED (Deng, Xu, Kohavi & Walker, "Improving the sensitivity of online controlled experiments by utilizing
 * pre-experiment data", WSDM 2013; GrowthBook's and Optimizely's "CUPED" / regression adjustment): a metric Y is
 * adjusted with a pre-exposure covariate X that the treatment cannot have changed,
 *
 *   Ŷ_adj = Ȳ − θ·(X̄_arm − X̄),   θ = Cov(X, Y) / Var(X)
 *
 * with θ pooled over the compared arms (within-arm co-moments, so a treatment effect on Y does not leak into θ)
 * and X̄ the pooled covariate mean. Because X is measured before exposure, E[X̄_B − X̄_A] = 0 and the adjusted
 * difference is unbiased; its per-unit variance is
 *
 *   σ²_adj = σ²_Y + θ²·σ²_X − 2θ·σ_XY = σ²_Y·(1 − ρ²)   at the optimal θ,
 *
 * so intervals narrow by the share of Y's variance X explains. Each arm comes back as an ArmSummary (n, adjusted
 * mean, adjusted per-unit variance), so effect.ts's absolute and relative (delta method) effects apply unchanged.
 */

import type { ArmSummary } from "./effect.ts";

/** Per-unit sufficient statistics of one arm: n, Σy, Σy², Σx, Σx², Σxy (y the metric, x the covariate). */
export interface CovariateSums {
  readonly n: number;
  readonly sumY: number;
  readonly sumY2: number;
  readonly sumX: number;
  readonly sumX2: number;
  readonly sumXY: number;
}

export interface CupedResult {
  readonly theta: number;
  readonly control: ArmSummary;
  readonly treatment: ArmSummary;
  /** 1 − Var(adjusted difference)/Var(unadjusted difference): the share of the variance removed. */
  readonly varianceReduction: number;
}

interface Moments {
  n: number;
  meanY: number;
  meanX: number;
  /** Co-moments about the arm's own means (sums, not divided). */
  syy: number;
  sxx: number;
  sxy: number;
}

function moments(sums: CovariateSums): Moments {
  const { n, sumY, sumY2, sumX, sumX2, sumXY } = sums;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`cuped: n must be an integer ≥ 2, got ${n}`);
  const meanY = sumY / n;
  const meanX = sumX / n;
  return {
    n,
    meanY,
    meanX,
    syy: Math.max(0, sumY2 - sumY * meanY),
    sxx: Math.max(0, sumX2 - sumX * meanX),
    sxy: sumXY - sumX * meanY,
  };
}

/** The CUPED-adjusted summaries of two arms; θ = 0 (no adjustment) when the covariate does not vary. */
export function cupedAdjust(control: CovariateSums, treatment: CovariateSums): CupedResult {
  const a = moments(control);
  const b = moments(treatment);
  const sxx = a.sxx + b.sxx;
  const theta = sxx > 0 ? (a.sxy + b.sxy) / sxx : 0;
  const pooledX = (a.meanX * a.n + b.meanX * b.n) / (a.n + b.n);
  const adjust = (m: Moments): ArmSummary => ({
    n: m.n,
    mean: m.meanY - theta * (m.meanX - pooledX),
    variance: Math.max(0, (m.syy + theta * theta * m.sxx - 2 * theta * m.sxy) / (m.n - 1)),
  });
  const adjustedA = adjust(a);
  const adjustedB = adjust(b);
  const before = a.syy / (a.n - 1) / a.n + b.syy / (b.n - 1) / b.n;
  const after = adjustedA.variance / a.n + adjustedB.variance / b.n;
  return {
    theta,
    control: adjustedA,
    treatment: adjustedB,
    varianceReduction: before > 0 ? 1 - after / before : 0,
  };
}
