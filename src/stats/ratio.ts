/**
 * Ratio metrics such as average order value, R = Σrevenue / Σorders, where the unit of analysis (the visitor)
 * is not the unit in the denominator (the order), so orders from one visitor are not independent.
 *
 * Delta method (Deng, Knoblich & Lu, "Applying the delta method in metric analytics", KDD 2018; GrowthBook
 * "Statistical Details", ratio metrics): with per-visitor numerator X and denominator Y,
 *
 *   R̂ = X̄ / Ȳ,   Var(R̂) ≈ (σX² − 2R̂·σXY + R̂²·σY²) / (n·Ȳ²)
 *
 * using sample (co)variances with n − 1. We return the per-visitor variance n·Var(R̂) in an `ArmSummary`, so
 * the effect machinery of effect.ts applies unchanged, with Welch–Satterthwaite df as GrowthBook uses.
 */

import {
  type ArmSummary,
  absoluteEffect,
  type EffectEstimate,
  type EffectOptions,
  relativeEffect,
} from "./effect.ts";

/** Per-visitor sufficient statistics of one arm: n visitors, Σx, Σx², Σy, Σy², Σxy (x numerator, y denominator). */
export interface RatioSums {
  readonly n: number;
  readonly sumX: number;
  readonly sumX2: number;
  readonly sumY: number;
  readonly sumY2: number;
  readonly sumXY: number;
}

/**
 * The ratio Σx/Σy with its delta-method per-visitor variance (so Var(R̂) = variance/n).
 * Needs n ≥ 2; mean and variance are NaN when Σy = 0 (no orders, no average order value).
 */
export function ratioSummary(sums: RatioSums, label = "ratioSummary"): ArmSummary {
  const { n, sumX, sumX2, sumY, sumY2, sumXY } = sums;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`${label}: n must be an integer ≥ 2, got ${n}`);
  for (const value of [sumX, sumX2, sumY, sumY2, sumXY]) {
    if (!Number.isFinite(value)) throw new RangeError(`${label}: sums must be finite`);
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  const varX = (sumX2 - sumX * meanX) / (n - 1);
  const varY = (sumY2 - sumY * meanY) / (n - 1);
  const covXY = (sumXY - sumX * meanY) / (n - 1);
  const ratio = sumX / sumY;
  const variance = Math.max(0, (varX - 2 * ratio * covXY + ratio * ratio * varY) / (meanY * meanY));
  return { n, mean: ratio, variance: sumY === 0 ? Number.NaN : variance };
}

/** Absolute difference of two ratio metrics RB − RA, on Welch's t. */
export function absoluteLiftOfRatios(
  control: RatioSums,
  treatment: RatioSums,
  options: EffectOptions = {},
): EffectEstimate {
  return absoluteEffect(
    ratioSummary(control, "absoluteLiftOfRatios control"),
    ratioSummary(treatment, "absoluteLiftOfRatios treatment"),
    "welch",
    options,
  );
}

/** Relative lift RB/RA − 1 of two ratio metrics with a delta-method interval on Welch's t. */
export function relativeLiftOfRatios(
  control: RatioSums,
  treatment: RatioSums,
  options: EffectOptions = {},
): EffectEstimate {
  return relativeEffect(
    ratioSummary(control, "relativeLiftOfRatios control"),
    ratioSummary(treatment, "relativeLiftOfRatios treatment"),
    "welch",
    options,
  );
}
