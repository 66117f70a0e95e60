/**
 * Sample size and power for comparing two conversion rates, matching R's `power.prop.test` (stats package,
 * default `strict = FALSE`), and the run time that sample size implies.
 *
 * R's power equation for the two-sided test at level α with n visitors per arm (src/library/stats/R/power.R):
 *
 *   power = Φ( (√n·|p₁ − p₂| − z_{1−α/2}·√(2p̄q̄)) / √(p₁q₁ + p₂q₂) ),   p̄ = (p₁ + p₂)/2, q = 1 − p
 *
 * R solves it for n with `uniroot` (tolerance ~1e-4, "at least four significant digits"); the equation is
 * linear in √n, so we solve it exactly:
 *
 *   n = ( (z_{1−α/2}·√(2p̄q̄) + z_{power}·√(p₁q₁ + p₂q₂)) / |p₁ − p₂| )²
 *
 * Note: statsmodels' `NormalIndPower` with Cohen's arcsine effect size h gives a slightly different n
 * (76.65 rather than R's 76.71 for p = 0.5 vs 0.75 at 90% power); this module follows R.
 */

import { checkAlpha } from "./effect.ts";
import { normalCdf, normalQuantile } from "./normal.ts";

export interface SampleSizeInput {
  /** Control conversion rate p₁, in (0, 1). */
  readonly baseline: number;
  /** Minimum detectable effect: p₂ − p₁ when absolute, p₂/p₁ − 1 when `relative`. */
  readonly mde: number;
  /** Interpret `mde` as a relative lift. Default false. */
  readonly relative?: boolean;
  /** Two-sided significance level. Default 0.05. */
  readonly alpha?: number;
  /** Target power 1 − β. Default 0.8. */
  readonly power?: number;
}

function checkRate(p: number, label: string): void {
  if (!(p > 0 && p < 1)) throw new RangeError(`${label} must be a rate in (0, 1), got ${p}`);
}

function checkPower(power: number): void {
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
}

/** Visitors needed per arm (not rounded; R's `n`) to detect `mde` with the given power. */
export function sampleSizePerArm(input: SampleSizeInput): number {
  const { baseline: p1, mde, relative = false, alpha = 0.05, power = 0.8 } = input;
  checkRate(p1, "baseline");
  checkAlpha(alpha);
  checkPower(power);
  const p2 = relative ? p1 * (1 + mde) : p1 + mde;
  checkRate(p2, "baseline + mde");
  if (p2 === p1) throw new RangeError("sampleSizePerArm: mde must not be zero");
  const pBar = (p1 + p2) / 2;
  const root =
    (normalQuantile(1 - alpha / 2) * Math.sqrt(2 * pBar * (1 - pBar)) +
      normalQuantile(power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) /
    Math.abs(p1 - p2);
  return root * root;
}

export interface PowerInput {
  readonly nPerArm: number;
  readonly p1: number;
  readonly p2: number;
  readonly alpha?: number;
}

/** Power of the two-sided test with `nPerArm` visitors per arm (R `power.prop.test(n, p1, p2)$power`). */
export function powerTwoProportions(input: PowerInput): number {
  const { nPerArm: n, p1, p2, alpha = 0.05 } = input;
  checkRate(p1, "p1");
  checkRate(p2, "p2");
  checkAlpha(alpha);
  if (!(n > 0)) throw new RangeError(`nPerArm must be positive, got ${n}`);
  const pBar = (p1 + p2) / 2;
  const numerator =
    Math.sqrt(n) * Math.abs(p1 - p2) - normalQuantile(1 - alpha / 2) * Math.sqrt(2 * pBar * (1 - pBar));
  return normalCdf(numerator / Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)));
}

export interface DetectableRateInput {
  readonly nPerArm: number;
  readonly baseline: number;
  readonly alpha?: number;
  readonly power?: number;
}

/**
 * The smallest treatment rate p₂ > baseline detectable with the given power and `nPerArm` visitors per arm
 * (R `power.prop.test(n, p1, power)$p2`), by bisection on (p₁, 1). NaN when even p₂ → 1 falls short.
 */
export function detectableRate(input: DetectableRateInput): number {
  const { nPerArm, baseline, alpha = 0.05, power = 0.8 } = input;
  checkPower(power);
  const powerAt = (p2: number) => powerTwoProportions({ nPerArm, p1: baseline, p2, alpha });
  let lo = baseline;
  let hi = 1 - Number.EPSILON;
  if (powerAt(hi) < power) return Number.NaN;
  while (hi - lo > 4 * Number.EPSILON * hi) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (powerAt(mid) < power) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface DurationInput {
  /** Required visitors per arm (e.g. from `sampleSizePerArm`); rounded up to whole visitors. */
  readonly nPerArm: number;
  /** Number of arms, control included. */
  readonly arms: number;
  /** Visitors entering the experiment per day (eligible traffic × allocation). */
  readonly dailyVisitors: number;
}

/** Whole days until every arm has its sample: ⌈⌈n⌉·arms / dailyVisitors⌉ (equal split). */
export function expectedDurationDays(input: DurationInput): number {
  const { nPerArm, arms, dailyVisitors } = input;
  if (!(nPerArm > 0)) throw new RangeError(`nPerArm must be positive, got ${nPerArm}`);
  if (!Number.isInteger(arms) || arms < 2) throw new RangeError(`arms must be an integer ≥ 2, got ${arms}`);
  if (!(dailyVisitors > 0)) throw new RangeError(`dailyVisitors must be positive, got ${dailyVisitors}`);
  return Math.ceil((Math.ceil(nPerArm) * arms) / dailyVisitors);
}
