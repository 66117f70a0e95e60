import { describe, expect, it } from "vitest";
import { relativeLiftOfMeans } from "../../../src/stats/means.ts";
import {
  absoluteLiftOfRatios,
  type RatioSums,
  ratioSummary,
  relativeLiftOfRatios,
} from "../../../src/stats/ratio.ts";
import { expectPrinted, expectRelative, seededRandom } from "./printed.ts";

describe("ratio metrics (delta method)", () => {
  it("reproduces PostHog's gbstats-port test of a ratio metric", () => {
    // PostHog products/experiments/stats frequentist tests, test_two_sided_ttest_with_ratio_statistic: revenue
    // over orders with binary orders per visitor; treatment n = 2034 (Σx = 99673.9364269569,
    // Σx² = 11298745.182728939, Σy = Σy² = 947, Σxy = Σx), control n = 1966 (Σx = 94605.79858780127,
    // Σx² = 10463129.505392816, Σy = Σy² = 936). Expected lift 0.041333, ci [0.01378609, 0.0689],
    // p 0.0032826 — asserted there to 4 decimal places; we match to 4 significant figures.
    const treatment: RatioSums = {
      n: 2034,
      sumX: 99673.9364269569,
      sumX2: 11298745.182728939,
      sumY: 947,
      sumY2: 947,
      sumXY: 99673.9364269569,
    };
    const control: RatioSums = {
      n: 1966,
      sumX: 94605.79858780127,
      sumX2: 10463129.505392816,
      sumY: 936,
      sumY2: 936,
      sumXY: 94605.79858780127,
    };
    const lift = relativeLiftOfRatios(control, treatment);
    expectPrinted(lift.estimate, "0.041333");
    expectPrinted(lift.ci[0], "0.01378609");
    expectPrinted(lift.ci[1], "0.0689");
    expectPrinted(lift.pValue, "0.003283");
  });

  it("reduces to the plain mean when every visitor has exactly one unit in the denominator", () => {
    const control = { n: 400, sum: 812.5, sumSquares: 4410.25 };
    const treatment = { n: 380, sum: 845.1, sumSquares: 5120.9 };
    const asRatio = (s: typeof control): RatioSums => ({
      n: s.n,
      sumX: s.sum,
      sumX2: s.sumSquares,
      sumY: s.n,
      sumY2: s.n,
      sumXY: s.sum,
    });
    const ratio = relativeLiftOfRatios(asRatio(control), asRatio(treatment));
    const mean = relativeLiftOfMeans(control, treatment);
    expectRelative(ratio.estimate, mean.estimate, 1e-12);
    expectRelative(ratio.standardError, mean.standardError, 1e-9);
    expectRelative(ratio.pValue, mean.pValue, 1e-9);
  });

  it("covers the true lift about 95% of the time when orders cluster within visitors (seeded simulation)", () => {
    // Visitors place 0–3 orders of random value; both arms share one distribution, so the true lift is 0.
    const random = seededRandom(20240611);
    const arm = (n: number): RatioSums => {
      const s = { n, sumX: 0, sumX2: 0, sumY: 0, sumY2: 0, sumXY: 0 };
      for (let i = 0; i < n; i++) {
        const u = random();
        const orders = u < 0.9 ? 0 : u < 0.96 ? 1 : u < 0.99 ? 2 : 3;
        let revenue = 0;
        for (let k = 0; k < orders; k++) revenue += 20 + 200 * random() ** 2;
        s.sumX += revenue;
        s.sumX2 += revenue * revenue;
        s.sumY += orders;
        s.sumY2 += orders * orders;
        s.sumXY += revenue * orders;
      }
      return s;
    };
    let covered = 0;
    const runs = 400;
    for (let run = 0; run < runs; run++) {
      const lift = relativeLiftOfRatios(arm(3000), arm(3000));
      if (lift.ci[0] <= 0 && lift.ci[1] >= 0) covered++;
    }
    // Binomial(400, 0.95) has sd 1.1%; accept 95% ± 3.3%.
    expect(covered / runs).toBeGreaterThan(0.917);
    expect(covered / runs).toBeLessThan(0.983);
  });

  it("leaves the ratio undefined when an arm has no orders", () => {
    const empty = ratioSummary({ n: 10, sumX: 0, sumX2: 0, sumY: 0, sumY2: 0, sumXY: 0 });
    expect(empty.mean).toBeNaN();
    expect(empty.variance).toBeNaN();
    const some = { n: 10, sumX: 50, sumX2: 900, sumY: 2, sumY2: 2, sumXY: 50 };
    expect(
      absoluteLiftOfRatios({ n: 10, sumX: 0, sumX2: 0, sumY: 0, sumY2: 0, sumXY: 0 }, some).pValue,
    ).toBeNaN();
    expect(() => ratioSummary({ ...some, n: 1 })).toThrow(RangeError);
  });
});
