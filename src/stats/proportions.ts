/**
 * Conversion rates: the pooled two-proportion z-test, and the absolute and relative lift with normal-theory
 * (Wald) confidence intervals. Each visitor is a Bernoulli unit, so an arm's per-unit variance is p(1 − p).
 *
 * For small counts use `fisherExactTest` (fisher.ts) instead of the z-test.
 */

import {
  type ArmSummary,
  absoluteEffect,
  checkAlpha,
  type EffectEstimate,
  type EffectOptions,
  relativeEffect,
} from "./effect.ts";
import { normalQuantile, normalSurvival } from "./normal.ts";

/** One arm of a conversion metric: visitors and the visitors who converted. */
export interface Conversions {
  readonly n: number;
  readonly conversions: number;
}

export interface ZTestResult {
  /** pB − pA. */
  readonly difference: number;
  /** Pooled rate (xA + xB)/(nA + nB) under the null hypothesis pA = pB. */
  readonly pooledRate: number;
  /** (pB − pA) / √(p̄(1 − p̄)(1/nA + 1/nB)). */
  readonly z: number;
  /** Two-sided p-value 2·(1 − Φ(|z|)). */
  readonly pValue: number;
}

/** Throws a RangeError unless n ≥ minimumN and 0 ≤ conversions ≤ n are integers. */
export function checkConversions(arm: Conversions, label: string, minimumN = 1): void {
  const { n, conversions } = arm;
  if (!Number.isInteger(n) || n < minimumN)
    throw new RangeError(`${label}: n must be an integer ≥ ${minimumN}, got ${n}`);
  if (!Number.isInteger(conversions) || conversions < 0 || conversions > n) {
    throw new RangeError(`${label}: conversions must be an integer in [0, n], got ${conversions} of ${n}`);
  }
}

/** The Bernoulli summary of an arm: mean p = x/n and per-unit variance p(1 − p). */
export function proportionSummary(arm: Conversions): ArmSummary {
  checkConversions(arm, "proportionSummary");
  const p = arm.conversions / arm.n;
  return { n: arm.n, mean: p, variance: p * (1 - p) };
}

/**
 * Two-proportion z-test with the pooled standard error, two-sided (as statsmodels `proportions_ztest` and R
 * `prop.test(correct = FALSE)`, whose X² is z²). When nobody or everybody converted the test has no variance:
 * z = 0 and p = 1.
 */
export function twoProportionZTest(control: Conversions, treatment: Conversions): ZTestResult {
  checkConversions(control, "twoProportionZTest control");
  checkConversions(treatment, "twoProportionZTest treatment");
  const pA = control.conversions / control.n;
  const pB = treatment.conversions / treatment.n;
  const pooledRate = (control.conversions + treatment.conversions) / (control.n + treatment.n);
  const difference = pB - pA;
  const se = Math.sqrt(pooledRate * (1 - pooledRate) * (1 / control.n + 1 / treatment.n));
  if (se === 0) return { difference, pooledRate, z: 0, pValue: 1 };
  const z = difference / se;
  return { difference, pooledRate, z, pValue: 2 * normalSurvival(Math.abs(z)) };
}

/**
 * Absolute lift pB − pA with the unpooled (Wald) interval pB − pA ± z·√(pA(1−pA)/nA + pB(1−pB)/nB),
 * Newcombe's (1998) method 1.
 */
export function absoluteLiftOfProportions(
  control: Conversions,
  treatment: Conversions,
  options: EffectOptions = {},
): EffectEstimate {
  return absoluteEffect(proportionSummary(control), proportionSummary(treatment), "normal", options);
}

/**
 * Relative lift pB/pA − 1 with the delta-method variance σB²/(nB·pA²) + σA²·pB²/(nA·pA⁴), σ² = p(1 − p),
 * and a normal interval. NaN when the control has no conversions.
 */
export function relativeLiftOfProportions(
  control: Conversions,
  treatment: Conversions,
  options: EffectOptions = {},
): EffectEstimate {
  return relativeEffect(proportionSummary(control), proportionSummary(treatment), "normal", options);
}

/**
 * Wilson's score interval for one proportion x/n (Wilson 1927; statsmodels `proportion_confint(method="wilson")`):
 * centre (x + z²/2)/(n + z²), half-width z·√(x(n − x)/n + z²/4)/(n + z²). Unlike the Wald interval it never has
 * zero width and stays inside [0, 1], at 0/n and n/n too.
 */
export function wilsonInterval(arm: Conversions, alpha = 0.05): [number, number] {
  checkConversions(arm, "wilsonInterval");
  const z = normalQuantile(1 - checkAlpha(alpha) / 2);
  const { n, conversions: x } = arm;
  const z2 = z * z;
  const centre = (x + z2 / 2) / (n + z2);
  const half = (z * Math.sqrt((x * (n - x)) / n + z2 / 4)) / (n + z2);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe's hybrid score interval for pB − pA (Newcombe 1998, method 10; statsmodels
 * `confint_proportions_2indep(method="newcomb")`), from each arm's Wilson interval (lX, uX):
 *
 *   [d − √((pB − lB)² + (uA − pA)²),  d + √((uB − pB)² + (pA − lA)²)],   d = pB − pA
 *
 * Well behaved where the Wald interval is not: at zero or full conversion in an arm it keeps a real width.
 */
export function newcombeDifference(
  control: Conversions,
  treatment: Conversions,
  alpha = 0.05,
): [number, number] {
  const pA = control.conversions / control.n;
  const pB = treatment.conversions / treatment.n;
  const [lA, uA] = wilsonInterval(control, alpha);
  const [lB, uB] = wilsonInterval(treatment, alpha);
  const d = pB - pA;
  return [d - Math.hypot(pB - lB, uA - pA), d + Math.hypot(uB - pB, pA - lA)];
}
