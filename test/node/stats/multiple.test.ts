import { describe, expect, it } from "vitest";
import { holmBonferroni } from "../../../src/stats/multiple.ts";
import { expectPrinted, seededRandom } from "./printed.ts";

describe("Holm–Bonferroni adjustment", () => {
  it("matches R's holm adjustment of the pairwise smokers p-values", () => {
    // statsmodels stats/tests/test_proportion.py (TestProportion): R-generated raw pairwise p-values
    // res_ppt_pvals_raw and their Holm adjustment res_ppt_pvals_holm.
    const raw = [
      0.00533824886503131, 0.8327574849753566, 0.1880573726722516, 0.002026764254350234, 0.1309487516334318,
      0.1076118730631731,
    ];
    const expected = [
      "0.02669124432515654",
      "0.8327574849753566",
      "0.4304474922526926",
      "0.0121605855261014",
      "0.4304474922526926",
      "0.4304474922526926",
    ];
    holmBonferroni(raw).forEach((p, i) => {
      expectPrinted(p, expected[i] ?? "");
    });
  });

  it("adjusts the textbook four-hypothesis example, by hand", () => {
    // Wikipedia "Holm–Bonferroni method" example (values 0.01, 0.04, 0.03, 0.005 for H1..H4 as GeeksforGeeks'
    // "Holm-Bonferroni Method" lists them; H1 and H4 rejected at α = 0.05). Sorted: 0.005, 0.01, 0.03,
    // 0.04 → ×4, ×3, ×2, ×1 = 0.02, 0.03, 0.06, 0.04 → running max 0.02, 0.03, 0.06, 0.06; in input order
    // (0.03, 0.06, 0.06, 0.02): only H1 and H4 fall below 0.05, as the examples conclude.
    const adjusted = holmBonferroni([0.01, 0.04, 0.03, 0.005]);
    ["0.03", "0.06", "0.06", "0.02"].forEach((p, i) => {
      expectPrinted(adjusted[i] ?? Number.NaN, p);
    });
  });

  it("never goes below the raw p, never above 1, and keeps the raw order (seeded)", () => {
    const random = seededRandom(99);
    for (let trial = 0; trial < 200; trial++) {
      const raw = Array.from({ length: 1 + Math.floor(random() * 12) }, () => random() ** 3);
      const adjusted = holmBonferroni(raw);
      raw.forEach((p, i) => {
        const q = adjusted[i] ?? Number.NaN;
        expect(q).toBeGreaterThanOrEqual(p);
        expect(q).toBeLessThanOrEqual(1);
        raw.forEach((other, j) => {
          if (other < p) expect(adjusted[j] ?? Number.NaN).toBeLessThanOrEqual(q);
        });
      });
    }
  });

  it("leaves a single p-value alone, handles none, and rejects values outside [0, 1]", () => {
    expect(holmBonferroni([0.2])).toEqual([0.2]);
    expect(holmBonferroni([])).toEqual([]);
    expect(() => holmBonferroni([0.5, 1.2])).toThrow(RangeError);
  });
});
