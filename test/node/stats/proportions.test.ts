import { describe, expect, it } from "vitest";
import { relativeEffect } from "../../../src/stats/effect.ts";
import {
  absoluteLiftOfProportions,
  proportionSummary,
  relativeLiftOfProportions,
  twoProportionZTest,
} from "../../../src/stats/proportions.ts";
import { expectPrinted } from "./printed.ts";

describe("two-proportion z-test", () => {
  it("reproduces statsmodels' proportions_ztest example (5/83 against 12/99)", () => {
    // statsmodels docs: proportions_ztest(count=[5, 12], nobs=[83, 99]) prints p '0.159'; the statsmodels test
    // suite (stats/tests/test_proportion.py, test_default_values, GH 2969) pins z = -1.4078304151258787 and
    // p = 0.15918129181156992. statsmodels reports prop[0] − prop[1]; our z is treatment − control.
    const result = twoProportionZTest({ n: 99, conversions: 12 }, { n: 83, conversions: 5 });
    expectPrinted(result.z, "-1.4078304151258787");
    expectPrinted(result.pValue, "0.15918129181156992");
    expectPrinted(result.pValue, "0.159");
  });

  it("agrees with R's prop.test without continuity correction on every pair of the smokers data", () => {
    // R-generated reference p-values pinned in statsmodels' test suite (test_proportion.py, TestProportion,
    // res_ppt_pvals_raw: pairwise uncorrected chi-square = pooled z-test) for smokers2 = c(73, 90, 114, 75)
    // out of patients = c(86, 93, 136, 82).
    const smokers = [73, 90, 114, 75];
    const patients = [86, 93, 136, 82];
    const pairs: [number, number, string][] = [
      [0, 1, "0.00533824886503131"],
      [0, 2, "0.8327574849753566"],
      [0, 3, "0.1880573726722516"],
      [1, 2, "0.002026764254350234"],
      [1, 3, "0.1309487516334318"],
      [2, 3, "0.1076118730631731"],
    ];
    const arm = (i: number) => ({ n: patients[i] ?? 0, conversions: smokers[i] ?? 0 });
    for (const [i, j, expected] of pairs) {
      expectPrinted(twoProportionZTest(arm(i), arm(j)).pValue, expected);
    }
  });

  it("reports no evidence when nobody or everybody converted", () => {
    expect(twoProportionZTest({ n: 50, conversions: 0 }, { n: 40, conversions: 0 })).toMatchObject({
      z: 0,
      pValue: 1,
    });
    expect(twoProportionZTest({ n: 50, conversions: 50 }, { n: 40, conversions: 40 })).toMatchObject({
      z: 0,
      pValue: 1,
    });
  });

  it("rejects impossible counts", () => {
    expect(() => twoProportionZTest({ n: 10, conversions: 11 }, { n: 10, conversions: 1 })).toThrow(
      RangeError,
    );
    expect(() => twoProportionZTest({ n: 0, conversions: 0 }, { n: 10, conversions: 1 })).toThrow(RangeError);
    expect(() => twoProportionZTest({ n: 10, conversions: 1.5 }, { n: 10, conversions: 1 })).toThrow(
      RangeError,
    );
  });
});

describe("absolute lift of conversion rates", () => {
  it("matches Newcombe's (1998) simple asymptotic (Wald) intervals", () => {
    // Newcombe, Stat. Med. 17:873–890 (1998), Table II, method 1 (also reproduced in WUSS 2016 paper 127, p. 9):
    // (a) 56/70 − 48/80 → 0.0575 to 0.3425; (b) 9/10 − 3/10 → 0.2605 to 0.9395.
    const a = absoluteLiftOfProportions({ n: 80, conversions: 48 }, { n: 70, conversions: 56 });
    expectPrinted(a.estimate, "0.2");
    expectPrinted(a.ci[0], "0.0575");
    expectPrinted(a.ci[1], "0.3425");
    const b = absoluteLiftOfProportions({ n: 10, conversions: 3 }, { n: 10, conversions: 9 });
    expectPrinted(b.ci[0], "0.2605");
    expectPrinted(b.ci[1], "0.9395");
    expect(b.df).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("relative lift of conversion rates", () => {
  it("has GrowthBook's delta-method standard error", () => {
    // GrowthBook gbstats tests/frequentist/test_tests.py, test_two_sided_ttest_binom: 14/28 → 16/30 gives
    // uplift mean 0.06667 and stddev 0.2717 (rounded to 5 dp).
    const lift = relativeLiftOfProportions({ n: 28, conversions: 14 }, { n: 30, conversions: 16 });
    expectPrinted(lift.estimate, "0.06667");
    expectPrinted(lift.standardError, "0.27170");
    // Our interval is normal: 0.066667 ± 1.959964 × 0.271699 = 0.066667 ± 0.532519 → [-0.46585, 0.59919] (by hand).
    expectPrinted(lift.ci[0], "-0.4659");
    expectPrinted(lift.ci[1], "0.5992");
  });

  it("reproduces GrowthBook's interval and p-value when referred to Welch's t as GrowthBook does", () => {
    // Same GrowthBook test: ci [-0.47767, 0.61101], p_value 0.80707 (t with Welch–Satterthwaite df).
    const lift = relativeEffect(
      proportionSummary({ n: 28, conversions: 14 }),
      proportionSummary({ n: 30, conversions: 16 }),
      "welch",
    );
    expectPrinted(lift.ci[0], "-0.47767");
    expectPrinted(lift.ci[1], "0.61101");
    expectPrinted(lift.pValue, "0.80707");
  });

  it("is undefined when the control never converted", () => {
    const lift = relativeLiftOfProportions({ n: 100, conversions: 0 }, { n: 100, conversions: 3 });
    expect(lift.estimate).toBeNaN();
    expect(lift.pValue).toBeNaN();
  });

  it("widens its interval as alpha shrinks", () => {
    const control = { n: 5000, conversions: 400 };
    const treatment = { n: 5000, conversions: 460 };
    const wide = relativeLiftOfProportions(control, treatment, { alpha: 0.01 });
    const narrow = relativeLiftOfProportions(control, treatment, { alpha: 0.1 });
    expect(wide.ci[0]).toBeLessThan(narrow.ci[0]);
    expect(wide.ci[1]).toBeGreaterThan(narrow.ci[1]);
    expect(() => relativeLiftOfProportions(control, treatment, { alpha: 1 })).toThrow(RangeError);
  });
});
