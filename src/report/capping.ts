/**
 * Percentile capping (winsorisation) of per-visitor revenue: one very large order can swing revenue per visitor
 * by thousands of percent, so with `--cap-revenue 0.99` each visitor's revenue on a valued goal is replaced by
 * min(revenue, cap), where the cap is the 99th percentile of the per-visitor revenues above zero, all arms of the
 * phase pooled (one cap for every arm, so capping cannot favour one). Percentiles interpolate linearly between
 * order statistics (NumPy's default `percentile(..., method="linear")`, R's `quantile(type = 7)`).
 */

import type { Segment } from "./segment.ts";
import type { RevenueCap } from "./sums.ts";

/** The q-quantile (0 ≤ q ≤ 1) of ascending `sorted`, type 7; NaN for no values. */
export function quantileType7(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const low = Math.floor(h);
  const lower = sorted[low] as number;
  if (low + 1 >= n) return lower;
  return lower + (h - low) * ((sorted[low + 1] as number) - lower);
}

/** Per valued goal of the segment, the cap at `percentile` and how many counted visitors are above it. */
export function revenueCaps(
  segment: Segment,
  percentile: number,
  counted: (row: number) => boolean,
): Map<string, RevenueCap> {
  const caps = new Map<string, RevenueCap>();
  for (const [goal, columns] of segment.goals) {
    if (!columns.valued) continue;
    const values: number[] = [];
    for (let row = 0; row < segment.rows; row++) {
      const revenue = columns.revenue.get(row);
      if (revenue > 0 && counted(row)) values.push(revenue);
    }
    if (values.length === 0) continue;
    const sorted = Float64Array.from(values).sort();
    const cap = quantileType7(sorted, percentile);
    let capped = 0;
    for (const value of sorted) if (value > cap) capped++;
    caps.set(goal, { percentile, cap, capped });
  }
  return caps;
}
