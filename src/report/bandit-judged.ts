/**
 * What a bandit experiment is judged on. Its split changed between periods, so the pooled primary-rate comparison
 * weights each period differently per arm and can show a winner that is only a drift in the base rate (Simpson's
 * paradox; docs/autopilot.md's simulation: 65% A/A false winners pooled against 3% stratified). The comparisons the
 * verdict and the main table read therefore take the period-stratified figures for the primary metric's rate:
 * difference and p from Σ wₚ²·sₚ²/nₚ, the relative lift's interval by the delta method, Holm across the arms as for
 * every other family. Other metrics stay pooled and say so in their method.
 */

import { normalQuantile } from "../stats/index.ts";
import { finite } from "./compare.ts";
import { adjustFamily } from "./comparisons.ts";
import type { BanditReport, Comparison } from "./model.ts";

const STRATIFIED_METHOD = "period-stratified z";

export function judgedOnStratified(
  comparisons: readonly Comparison[],
  bandit: BanditReport,
  alpha: number,
): Comparison[] {
  const z = normalQuantile(1 - alpha / 2);
  const arm = (id: string) => bandit.arms.find((a) => a.id === id);
  const family: Comparison[] = [];
  const judged = comparisons.map((c) => {
    if (c.metric !== bandit.metric || c.statistic !== "rate" || c.role !== "primary") return c;
    const s = bandit.comparisons.find((x) => x.arm === c.arm && x.baseline === c.baseline);
    const t = arm(c.arm);
    const b = arm(c.baseline);
    if (!s || !t || !b || t.rate === null || b.rate === null || t.se === null || b.se === null) return c;
    const lift = b.rate > 0 ? t.rate / b.rate - 1 : null;
    // Delta method for rT / rB with independent arms: Var ≈ Var(rT)/rB² + rT²·Var(rB)/rB⁴.
    const liftSe =
      b.rate > 0 ? Math.sqrt(t.se ** 2 / b.rate ** 2 + (t.rate ** 2 * b.se ** 2) / b.rate ** 4) : null;
    const stratified: Comparison = {
      ...c,
      baselineValue: b.rate,
      value: t.rate,
      difference: s.difference,
      differenceCi: [s.lower, s.upper],
      lift: lift === null ? null : finite(lift),
      ci:
        lift === null || liftSe === null
          ? [null, null]
          : [finite(lift - z * liftSe), finite(lift + z * liftSe)],
      p: s.p,
      method: STRATIFIED_METHOD,
      note: s.p === null ? "no variation within the periods yet" : null,
      cuped: null,
      pAdjusted: null,
      significant: false,
      // The always-valid interval assumes one fixed split; a bandit's is judged on the stratified one alone.
      sequential: null,
      // The Bayesian chance is computed on pooled counts, which mix periods: not shown for a bandit.
      chanceToBeat: null,
    };
    family.push(stratified);
    return stratified;
  });
  adjustFamily(family, alpha);
  return judged;
}
