/**
 * Are crossovers (visitors exposed to more than one arm) balanced across arms? Intention to treat keeps each in
 * the arm of their first exposure, which is unbiased as long as crossing over is not itself caused by the arm. When
 * one arm's visitors cross over far more often than another's (a redirect that resets the cookie, a login that
 * re-buckets, a variant that breaks the page), the arms no longer hold comparable people — the same failure as a
 * sample-ratio mismatch, so it blocks the verdict the same way (p < 0.001).
 *
 * The test is a 2 × k table of crossovers and other visitors per arm: Pearson's chi-square of independence
 * (R `chisq.test(correct = FALSE)`), or Fisher's exact test for two arms when an expected count is below 5.
 */

import { chiSquareIndependence, fisherExactTest, SRM_THRESHOLD } from "../stats/index.ts";
import { finite } from "./compare.ts";
import type { CrossoverReport } from "./model.ts";

export interface ArmExposure {
  id: string;
  /** Every visitor whose first exposure was in this arm, crossovers included. */
  visitors: number;
  crossovers: number;
}

export function crossoverBalanceOf(
  arms: readonly ArmExposure[],
  rule: CrossoverReport["rule"],
): CrossoverReport {
  const total = arms.reduce((sum, arm) => sum + arm.crossovers, 0);
  const byArm = arms.map((arm) => ({
    id: arm.id,
    visitors: arm.visitors,
    crossovers: arm.crossovers,
    share: arm.visitors > 0 ? arm.crossovers / arm.visitors : null,
  }));
  const base = { rule, total, arms: byArm, threshold: SRM_THRESHOLD };
  const tested = arms.filter((arm) => arm.visitors > 0);
  if (total === 0) return { ...base, p: null, method: null, ok: true, note: null };
  if (tested.length < 2)
    return { ...base, p: null, method: null, ok: null, note: "a single arm: nothing to balance" };
  const table = tested.map((arm) => [arm.crossovers, arm.visitors - arm.crossovers]);
  const chi = chiSquareIndependence(table);
  const small = chi.minExpected < 5 && tested.length === 2;
  const p = small
    ? fisherExactTest(table as unknown as [[number, number], [number, number]]).pValue
    : chi.pValue;
  const ok = p >= SRM_THRESHOLD;
  return {
    ...base,
    p: finite(p),
    method: small ? "fisher-exact" : "chi-square",
    ok,
    note: ok
      ? null
      : `crossovers are not balanced across arms (${byArm.map((arm) => `${arm.id} ${arm.crossovers} of ${arm.visitors}`).join(", ")}): something in one arm sends visitors to another`,
  };
}
