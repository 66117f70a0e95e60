/**
 * Pearson's chi-square test of independence for an r × c table of counts, without continuity correction
 * (R `chisq.test(table, correct = FALSE)`; SciPy `chi2_contingency(table, correction=False)`):
 *
 *   Eᵢⱼ = rowᵢ · colⱼ / N,   X² = Σ (Oᵢⱼ − Eᵢⱼ)² / Eᵢⱼ,   df = (r − 1)(c − 1)
 *
 * Rows or columns whose total is zero carry no information and are dropped before the degrees of freedom are
 * counted (as R does implicitly by failing; we would rather answer).
 */

import { chiSquareSurvival } from "./chi-square.ts";

export interface IndependenceResult {
  readonly statistic: number;
  readonly df: number;
  readonly pValue: number;
  /** The smallest expected cell count; below 5 the chi-square approximation is rough (Cochran). */
  readonly minExpected: number;
}

export function chiSquareIndependence(table: readonly (readonly number[])[]): IndependenceResult {
  for (const row of table) {
    for (const cell of row) {
      if (!Number.isInteger(cell) || cell < 0)
        throw new RangeError(`chiSquareIndependence: counts must be non-negative integers, got ${cell}`);
    }
  }
  const columns = Math.max(0, ...table.map((row) => row.length));
  const colTotals = Array.from({ length: columns }, (_, j) =>
    table.reduce((sum, row) => sum + (row[j] ?? 0), 0),
  );
  const rows = table.filter((row) => row.reduce((sum, cell) => sum + cell, 0) > 0);
  const keep = colTotals.map((total) => total > 0);
  const kept = rows.map((row) => row.filter((_, j) => keep[j]));
  const cols = keep.filter(Boolean).length;
  const df = Math.max(0, (kept.length - 1) * (cols - 1));
  if (df === 0) return { statistic: 0, df, pValue: 1, minExpected: Number.NaN };
  const rowTotals = kept.map((row) => row.reduce((sum, cell) => sum + cell, 0));
  const keptCols = colTotals.filter((_, j) => keep[j]);
  const total = rowTotals.reduce((sum, value) => sum + value, 0);
  let statistic = 0;
  let minExpected = Number.POSITIVE_INFINITY;
  kept.forEach((row, i) => {
    row.forEach((observed, j) => {
      const expected = ((rowTotals[i] as number) * (keptCols[j] as number)) / total;
      minExpected = Math.min(minExpected, expected);
      statistic += ((observed - expected) * (observed - expected)) / expected;
    });
  });
  return { statistic, df, pValue: chiSquareSurvival(statistic, df), minExpected };
}
