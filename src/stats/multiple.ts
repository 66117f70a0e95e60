/**
 * Holm–Bonferroni adjustment for several variants or metrics (S. Holm, "A simple sequentially rejective
 * multiple test procedure", Scand. J. Statist. 6 (1979) 65–70), in the adjusted-p-value form of R
 * `p.adjust(method = "holm")`: with p₍₁₎ ≤ … ≤ p₍ₘ₎,
 *
 *   p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎)
 *
 * Rejecting where p̃ ≤ α controls the family-wise error rate at α. Adjusted values never fall below the raw
 * ones, are monotone in the raw order, and come back in the input order.
 */

/** Holm-adjusted p-values, in the order given. */
export function holmBonferroni(pValues: readonly number[]): number[] {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holmBonferroni: p-values must be in [0, 1], got ${p}`);
  }
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((x, y) => x.p - y.p || x.index - y.index);
  const adjusted = new Array<number>(m);
  let runningMax = 0;
  order.forEach(({ p, index }, rank) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * p));
    adjusted[index] = runningMax;
  });
  return adjusted;
}
