/**
 * Conversion rates: the pooled two-proportion z-test, and the absolute and relative lift with normal-theory
 * (Wald) confidence intervals. Each visitor is a Bernoulli unit, so an arm's per-unit variance is p(1 − p).
 *
 * For small counts use `fisherExactTest` (fisher.ts) instead of the z-test.
 */

import {
  type ArmSummary,
  absoluteEffect,
  type EffectEstimate,
  type EffectOptions,
  relativeEffect,
} from "./effect.ts";
import { normalSurvival } from "./normal.ts";

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
