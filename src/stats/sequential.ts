/**
 * Always-valid (sequential) confidence intervals for teams that look at results early: asymptotic confidence
 * sequences with a normal-mixture boundary (Howard, Ramdas, McAuliffe & Sekhon, "Time-uniform, nonparametric,
 * nonasymptotic confidence sequences", Ann. Statist. 2021; the asymptotic form of Waudby-Smith et al.,
 * "Time-uniform central limit theory and asymptotic confidence sequences", 2023, eq. 9), as GrowthBook implements
 * them ("Sequential Testing" docs; gbstats `SequentialTwoSidedTTest`).
 *
 * With N units seen so far (both arms), an effect estimate with standard error SE, and per-unit variance
 * σ² = SE²·N, the two-sided (1 − α) interval is estimate ± B with
 *
 *   B = σ · √( 2(Nρ² + 1) / (N²ρ²) · ln( √(Nρ² + 1) / α ) ),
 *   ρ = √( (−2 ln α + ln(−2 ln α + 1)) / N* ),
 *
 * where the tuning parameter N* (GrowthBook's default 5,000) is the sample size at which the sequence is
 * tightest; set it to where decisions are usually made and keep it fixed for the experiment. The guarantee:
 * with probability ≥ 1 − α the interval covers the true effect at every N simultaneously, so peeking is safe.
 * The intervals are always wider than the fixed-horizon ones.
 */

import { checkAlpha } from "./effect.ts";

export const DEFAULT_SEQUENTIAL_TUNING = 5000;

export interface ConfidenceSequenceInput {
  /** Effect estimate, e.g. from `relativeLiftOfMeans` or `absoluteLiftOfProportions`. */
  readonly estimate: number;
  /** Its (fixed-horizon) standard error. */
  readonly standardError: number;
  /** Units seen so far across both arms. */
  readonly n: number;
  /** Two-sided level; default 0.05. */
  readonly alpha?: number;
  /** N*, the sample size where the sequence is tightest; default 5,000. */
  readonly tuning?: number;
}

export interface ConfidenceSequence {
  readonly lower: number;
  readonly upper: number;
  readonly halfWidth: number;
}

/** The mixing parameter ρ for tuning parameter N* (Waudby-Smith et al. 2023, two-sided). */
export function sequentialRho(alpha: number, tuning: number): number {
  const logAlpha = Math.log(checkAlpha(alpha));
  return Math.sqrt((-2 * logAlpha + Math.log(-2 * logAlpha + 1)) / tuning);
}

/** The always-valid (1 − alpha) interval around an effect estimate at the current sample size. */
export function confidenceSequence(input: ConfidenceSequenceInput): ConfidenceSequence {
  const { estimate, standardError, n, alpha = 0.05, tuning = DEFAULT_SEQUENTIAL_TUNING } = input;
  if (!(n > 0)) throw new RangeError(`confidenceSequence: n must be positive, got ${n}`);
  if (!(tuning > 0)) throw new RangeError(`confidenceSequence: tuning must be positive, got ${tuning}`);
  if (!(standardError >= 0)) throw new RangeError(`confidenceSequence: bad standard error ${standardError}`);
  const rho = sequentialRho(alpha, tuning);
  const sigma = standardError * Math.sqrt(n);
  const nRho2 = n * rho * rho;
  const halfWidth =
    sigma * Math.sqrt(((2 * (nRho2 + 1)) / (nRho2 * n)) * Math.log(Math.sqrt(nRho2 + 1) / alpha));
  return { lower: estimate - halfWidth, upper: estimate + halfWidth, halfWidth };
}
