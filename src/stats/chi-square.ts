/**
 * The chi-square distribution with k degrees of freedom: CDF and survival function via the regularised
 * incomplete gamma function, P(χ²_k ≤ x) = P(k/2, x/2) (Abramowitz & Stegun 26.4.19).
 */

import { regularizedGammaP, regularizedGammaQ } from "./gamma.ts";

function check(x: number, df: number): void {
  if (!(df > 0)) throw new RangeError(`chi-square: degrees of freedom must be positive, got ${df}`);
  if (Number.isNaN(x)) throw new RangeError("chi-square: x is NaN");
}

/** P(χ²_df ≤ x). */
export function chiSquareCdf(x: number, df: number): number {
  check(x, df);
  return x <= 0 ? 0 : regularizedGammaP(df / 2, x / 2);
}

/** P(χ²_df > x), computed directly so small p-values keep their digits. */
export function chiSquareSurvival(x: number, df: number): number {
  check(x, df);
  return x <= 0 ? 1 : regularizedGammaQ(df / 2, x / 2);
}
