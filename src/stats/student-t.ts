/**
 * Student's t distribution with ν > 0 degrees of freedom (ν need not be an integer: Welch–Satterthwaite
 * degrees of freedom are not).
 *
 * CDF: for t < 0, P(T ≤ t) = I_x(ν/2, 1/2) / 2 with x = ν/(ν + t²) (Abramowitz & Stegun 26.7.1 via 26.5.27),
 * so the lower tail is computed directly and keeps its relative accuracy; the upper half follows by symmetry.
 * Quantile: closed forms for ν = 1 (Cauchy) and ν = 2, otherwise a Cornish–Fisher start refined by Newton's
 * method inside a bisection bracket. ν = ∞ (or beyond 1e10, where the difference is below double precision for
 * the probabilities we report) is the standard normal.
 */

import { regularizedBetaWithComplement } from "./beta.ts";
import { logGamma } from "./gamma.ts";
import { normalCdf, normalPdf, normalQuantile } from "./normal.ts";

const NORMAL_LIMIT = 1e10;

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`Student's t: degrees of freedom must be positive, got ${df}`);
}

/** Lower tail P(T ≤ −|t|), computed directly. */
function lowerTail(t: number, df: number): number {
  const t2 = t * t;
  if (t2 === Number.POSITIVE_INFINITY) return 0;
  return 0.5 * regularizedBetaWithComplement(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
}

/** Student's t CDF P(T ≤ t) with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return Number.NaN;
  if (df > NORMAL_LIMIT) return normalCdf(t);
  const tail = lowerTail(t, df);
  return t > 0 ? 1 - tail : tail;
}

/** Two-sided p-value P(|T| ≥ |t|), without the cancellation of 1 − CDF. */
export function studentTTwoSidedPValue(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return Number.NaN;
  if (df > NORMAL_LIMIT) return 2 * normalCdf(-Math.abs(t));
  return Math.min(1, 2 * lowerTail(t, df));
}

/** Student's t density. */
export function studentTPdf(t: number, df: number): number {
  checkDf(df);
  if (df > NORMAL_LIMIT) return normalPdf(t);
  const logDensity =
    logGamma((df + 1) / 2) -
    logGamma(df / 2) -
    0.5 * Math.log(df * Math.PI) -
    ((df + 1) / 2) * Math.log1p((t * t) / df);
  return Math.exp(logDensity);
}

/** Cornish–Fisher expansion of the t quantile around the normal quantile z (A&S 26.7.5, first terms). */
function cornishFisher(z: number, df: number): number {
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

/** The negative quantile for lower-tail probability q < 1/2: Newton steps kept inside a shrinking bracket. */
function lowerQuantile(q: number, df: number): number {
  const start = cornishFisher(normalQuantile(q), df);
  let hi = 0; // CDF(0) = 1/2 > q
  let lo = Math.min(-1, start);
  while (lowerTail(lo, df) > q) {
    hi = lo;
    lo *= 2;
  }
  let t = Math.max(lo, Math.min(hi, start));
  for (let i = 0; i < 1000; i++) {
    const f = lowerTail(t, df) - q;
    if (f === 0) return t;
    if (f > 0) hi = t;
    else lo = t;
    let next = t - f / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 4 * Number.EPSILON * Math.max(1, Math.abs(next))) return next;
    t = next;
  }
  return t;
}

/** Inverse of the Student's t CDF, e.g. `studentTQuantile(0.975, 10)` ≈ 2.228139. */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (df > NORMAL_LIMIT) return normalQuantile(p);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  if (p === 0.5) return 0;
  return p < 0.5 ? lowerQuantile(p, df) : -lowerQuantile(1 - p, df);
}
