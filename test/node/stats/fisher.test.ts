import { describe, expect, it } from "vitest";
import { fisherExactTest } from "../../../src/stats/fisher.ts";
import { expectPrinted } from "./printed.ts";

describe("Fisher's exact test", () => {
  it("reproduces SciPy's whales-and-sharks example", () => {
    // SciPy docs, scipy.stats.fisher_exact example: [[8, 2], [1, 5]] → odds ratio 20.0, p ≈ 0.035.
    // By hand: margins 10/6 by 9/7, C(16, 9) = 11440; P(k) ∝ C(10, k)·C(6, 9 − k) for k = 3..9 is
    // 120, 1260, 3780, 4200, 1800, 270, 10; the observed k = 8 has 270, and the tables no more likely are
    // k = 3, 8, 9: (120 + 270 + 10)/11440 = 5/143 = 0.034965034965035.
    const result = fisherExactTest([
      [8, 2],
      [1, 5],
    ]);
    expect(result.oddsRatio).toBe(20);
    expectPrinted(result.pValue, "0.034965034965035");
  });

  it("counts tables tied with the observed one (Fisher's tea-tasting table)", () => {
    // R's fisher.test(TeaTasting) table [[3, 1], [1, 3]], two-sided. By hand: P(k) ∝ C(4, k)·C(4, 4 − k) =
    // 1, 16, 36, 16, 1 (of 70); observed k = 3 (16), tied with k = 1: (1 + 16 + 16 + 1)/70 = 17/35.
    expectPrinted(
      fisherExactTest([
        [3, 1],
        [1, 3],
      ]).pValue,
      "0.485714285714286",
    );
  });

  it("sums the less likely tables of a lopsided split", () => {
    // [[6, 2], [1, 4]] by hand: margins 8/5 by 7/6, C(13, 7) = 1716; P(k) ∝ C(8, k)·C(5, 7 − k) for k = 2..7 is
    // 28, 280, 700, 560, 140, 8; observed k = 6 (140): (28 + 140 + 8)/1716 = 4/39 = 0.102564102564103.
    expectPrinted(
      fisherExactTest([
        [6, 2],
        [1, 4],
      ]).pValue,
      "0.102564102564103",
    );
  });

  it("gives the same p-value whichever way the table is written", () => {
    const p = fisherExactTest([
      [12, 30],
      [4, 41],
    ]).pValue;
    expect(
      Math.abs(
        fisherExactTest([
          [4, 41],
          [12, 30],
        ]).pValue - p,
      ),
    ).toBeLessThan(1e-14);
    expect(
      Math.abs(
        fisherExactTest([
          [12, 4],
          [30, 41],
        ]).pValue - p,
      ),
    ).toBeLessThan(1e-14);
    expect(
      Math.abs(
        fisherExactTest([
          [30, 12],
          [41, 4],
        ]).pValue - p,
      ),
    ).toBeLessThan(1e-14);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  });

  it("returns p = 1 when the margins allow only one table, and rejects bad counts", () => {
    expect(
      fisherExactTest([
        [0, 0],
        [3, 4],
      ]).pValue,
    ).toBe(1);
    expect(() =>
      fisherExactTest([
        [1, -1],
        [3, 4],
      ]),
    ).toThrow(RangeError);
    expect(() =>
      fisherExactTest([
        [1, 0.5],
        [3, 4],
      ]),
    ).toThrow(RangeError);
  });
});
