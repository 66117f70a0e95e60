import { describe, expect, it } from "vitest";
import { SRM_THRESHOLD, sampleRatioMismatch } from "../../../src/stats/srm.ts";
import { expectPrinted, seededRandom } from "./printed.ts";

describe("sample-ratio mismatch", () => {
  it("reproduces SciPy's chisquare examples", () => {
    // SciPy docs, scipy.stats.chisquare: chisquare([16, 18, 16, 14, 12, 12]) → statistic 2.0,
    // pvalue 0.84914503608460956; with f_exp=[16, 16, 16, 16, 16, 8] → statistic 3.5, pvalue 0.62338762774958223.
    const equal = sampleRatioMismatch([16, 18, 16, 14, 12, 12], [1, 1, 1, 1, 1, 1]);
    expectPrinted(equal.statistic, "2.0");
    expect(equal.df).toBe(5);
    expectPrinted(equal.pValue, "0.84914503608460956");
    // Weights 2:2:2:2:2:1 of 88 visitors give SciPy's expected counts 16, …, 16, 8.
    const weighted = sampleRatioMismatch([16, 18, 16, 14, 12, 12], [2, 2, 2, 2, 2, 1]);
    expect(weighted.expected).toEqual([16, 16, 16, 16, 16, 8]);
    expectPrinted(weighted.statistic, "3.5");
    expectPrinted(weighted.pValue, "0.62338762774958223");
  });

  it("blocks a 46/54 split of 10,000 visitors configured as 50/50", () => {
    // By hand: expected 5000 each, X² = (400² + 400²)/5000 = 64 on 1 df, so p = P(|Z| > 8) = 2Φ(−8)
    // = 2 × 6.220961e-16 (R: pnorm(-8) prints 6.220961e-16) = 1.244192e-15.
    const result = sampleRatioMismatch([4600, 5400], [50, 50]);
    expectPrinted(result.statistic, "64");
    expectPrinted(result.pValue, "1.244192e-15");
    expect(result.pValue).toBeLessThan(SRM_THRESHOLD);
  });

  it("gives roughly uniform p-values over fair random splits (seeded simulation)", () => {
    const random = seededRandom(7);
    const weights = [1, 1, 2];
    const cumulative = [0.25, 0.5, 1];
    const runs = 2000;
    const pValues: number[] = [];
    for (let run = 0; run < runs; run++) {
      const counts = [0, 0, 0];
      for (let visitor = 0; visitor < 1000; visitor++) {
        const u = random();
        const arm = cumulative.findIndex((edge) => u < edge);
        counts[arm] = (counts[arm] ?? 0) + 1;
      }
      pValues.push(sampleRatioMismatch(counts, weights).pValue);
    }
    // Each fraction below q is Binomial(2000, q)/2000 under uniformity: sd ≤ 1.1%; allow about 3.5 sd.
    for (const q of [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9]) {
      const fraction = pValues.filter((p) => p < q).length / runs;
      expect(Math.abs(fraction - q)).toBeLessThan(3.5 * Math.sqrt((q * (1 - q)) / runs) + 0.002);
    }
  });

  it("returns p = 1 before any visitor arrives and rejects malformed input", () => {
    expect(sampleRatioMismatch([0, 0], [1, 1]).pValue).toBe(1);
    expect(() => sampleRatioMismatch([10, 12], [1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([10], [1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([10, -1], [1, 1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([10, 12], [1, 0])).toThrow(RangeError);
  });
});
