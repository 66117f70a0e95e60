/**
 * Fisher's exact test for a 2×2 table, two-sided, for conversion counts too small for the z-test.
 *
 * With the margins fixed, the top-left cell follows a hypergeometric distribution. The two-sided p-value sums
 * the probabilities of every table no more likely than the observed one, with R's relative tolerance of 1e-7
 * so that tables tied with the observed one in exact arithmetic are not lost to rounding (R `fisher.test`;
 * SciPy `fisher_exact` gives the same values).
 */

import { logChoose } from "./gamma.ts";

/** [[a, b], [c, d]]: rows are arms, columns are converted / not converted (or any 2×2 classification). */
export type Table2x2 = readonly [readonly [number, number], readonly [number, number]];

export interface FisherResult {
  /** The sample odds ratio ad/bc, as SciPy reports (R reports the conditional MLE instead). */
  readonly oddsRatio: number;
  /** Two-sided p-value. */
  readonly pValue: number;
}

const RELATIVE_TOLERANCE = 1 + 1e-7;

/** Two-sided Fisher exact test of independence in a 2×2 table of non-negative integer counts. */
export function fisherExactTest(table: Table2x2): FisherResult {
  const [[a, b], [c, d]] = table;
  for (const cell of [a, b, c, d]) {
    if (!Number.isInteger(cell) || cell < 0)
      throw new RangeError(`fisherExactTest: counts must be non-negative integers`);
  }
  const row1 = a + b;
  const row2 = c + d;
  const col1 = a + c;
  const total = row1 + row2;
  const oddsRatio = (a * d) / (b * c);
  const low = Math.max(0, col1 - row2);
  const high = Math.min(row1, col1);
  if (low === high) return { oddsRatio, pValue: 1 };

  const logDenominator = logChoose(total, col1);
  const logP = (k: number) => logChoose(row1, k) + logChoose(row2, col1 - k) - logDenominator;
  const threshold = logP(a) + Math.log(RELATIVE_TOLERANCE);
  let pValue = 0;
  for (let k = low; k <= high; k++) {
    const lp = logP(k);
    if (lp <= threshold) pValue += Math.exp(lp);
  }
  return { oddsRatio, pValue: Math.min(1, pValue) };
}
