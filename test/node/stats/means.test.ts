import { describe, expect, it } from "vitest";
import {
  type MomentSums,
  relativeLiftOfMeans,
  summarizeMoments,
  welchTTest,
} from "../../../src/stats/means.ts";
import { expectPrinted } from "./printed.ts";

const sums = (values: readonly number[]): MomentSums => ({
  n: values.length,
  sum: values.reduce((total, x) => total + x, 0),
  sumSquares: values.reduce((total, x) => total + x * x, 0),
});

// R datasets::sleep, column `extra` (Cushny & Peebles), groups 1 and 2.
const SLEEP_GROUP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_GROUP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

// GrowthBook gbstats tests/frequentist/test_tests.py: control SampleMeanStatistic(sum=1396.87,
// sum_squares=52377.9767, n=3407), treatment SampleMeanStatistic(sum=2422.7, sum_squares=134698.29, n=3461).
const GB_CONTROL: MomentSums = { n: 3407, sum: 1396.87, sumSquares: 52377.9767 };
const GB_TREATMENT: MomentSums = { n: 3461, sum: 2422.7, sumSquares: 134698.29 };

describe("Welch's t-test", () => {
  it("reproduces R's t.test(extra ~ group, data = sleep)", () => {
    // R ?t.test example output: "t = -1.8608, df = 17.776, p-value = 0.07939; 95 percent confidence interval:
    // -3.3654832 0.2054832" for mean(group 1) − mean(group 2), so group 2 is our control.
    const result = welchTTest(sums(SLEEP_GROUP_2), sums(SLEEP_GROUP_1));
    expectPrinted(result.estimate, "-1.58");
    expectPrinted(result.statistic, "-1.8608");
    expectPrinted(result.df, "17.776");
    expectPrinted(result.pValue, "0.07939");
    expectPrinted(result.ci[0], "-3.3654832");
    expectPrinted(result.ci[1], "0.2054832");
  });

  it("reproduces GrowthBook's absolute-difference t-test", () => {
    // GrowthBook test_two_sided_ttest_absolute: expected 0.29, ci [0.04538, 0.53462], stddev 0.12478,
    // p_value 0.02016.
    const result = welchTTest(GB_CONTROL, GB_TREATMENT);
    expectPrinted(result.estimate, "0.29");
    expectPrinted(result.standardError, "0.12478");
    expectPrinted(result.ci[0], "0.04538");
    expectPrinted(result.ci[1], "0.53462");
    expectPrinted(result.pValue, "0.02016");
  });

  it("is antisymmetric in the arms", () => {
    const ab = welchTTest(sums(SLEEP_GROUP_1), sums(SLEEP_GROUP_2));
    const ba = welchTTest(sums(SLEEP_GROUP_2), sums(SLEEP_GROUP_1));
    expect(ab.estimate).toBeCloseTo(-ba.estimate, 14);
    expect(ab.pValue).toBeCloseTo(ba.pValue, 14);
    expect(ab.ci[0]).toBeCloseTo(-ba.ci[1], 14);
  });

  it("handles arms without spread and rejects arms too small for a variance", () => {
    const same = welchTTest({ n: 5, sum: 10, sumSquares: 20 }, { n: 4, sum: 8, sumSquares: 16 });
    expect(same.pValue).toBe(1);
    const apart = welchTTest({ n: 5, sum: 10, sumSquares: 20 }, { n: 4, sum: 12, sumSquares: 36 });
    expect(apart.pValue).toBe(0);
    expect(() => welchTTest({ n: 1, sum: 1, sumSquares: 1 }, GB_TREATMENT)).toThrow(RangeError);
  });
});

describe("relative lift of means", () => {
  it("reproduces GrowthBook's relative t-test (delta method, Welch df)", () => {
    // GrowthBook test_two_sided_ttest: expected 0.70732 (= 0.29/0.41), ci [-0.03526, 1.44989],
    // uplift stddev 0.37879, p_value 0.06191.
    const lift = relativeLiftOfMeans(GB_CONTROL, GB_TREATMENT);
    expectPrinted(lift.estimate, "0.70732");
    expectPrinted(lift.standardError, "0.37879");
    expectPrinted(lift.ci[0], "-0.03526");
    expectPrinted(lift.ci[1], "1.44989");
    expectPrinted(lift.pValue, "0.06191");
  });

  it("summarises sums into mean and unbiased variance", () => {
    // GrowthBook's arms were built from mean 0.41, sd 3.9 (n = 3407) and mean 0.7, sd 6.2 (n = 3461).
    const control = summarizeMoments(GB_CONTROL);
    expectPrinted(control.mean, "0.41");
    expectPrinted(Math.sqrt(control.variance), "3.9");
    const treatment = summarizeMoments(GB_TREATMENT);
    expectPrinted(treatment.mean, "0.7");
    expectPrinted(Math.sqrt(treatment.variance), "6.2");
  });
});
