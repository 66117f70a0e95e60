import { describe, expect, it } from "vitest";
import { chiSquareIndependence } from "../../../src/stats/independence.ts";
import { newcombeDifference, wilsonInterval } from "../../../src/stats/proportions.ts";
import { expectPrinted } from "./printed.ts";

describe("Wilson and Newcombe intervals for proportions", () => {
  it("reproduces SciPy's Wilson intervals, including at zero conversions", () => {
    // SciPy 1.17: binomtest(7, 30).proportion_ci(method="wilson") → (0.11792388144489496, 0.40928326158122164);
    // binomtest(0, 2000).proportion_ci(method="wilson") → (0.0, 0.0019170472812529344).
    const [low, high] = wilsonInterval({ n: 30, conversions: 7 });
    expectPrinted(low, "0.11792388144489496");
    expectPrinted(high, "0.40928326158122164");
    const [zeroLow, zeroHigh] = wilsonInterval({ n: 2000, conversions: 0 });
    expect(zeroLow).toBe(0);
    expectPrinted(zeroHigh, "0.0019170472812529344");
  });

  it("reproduces Newcombe's (1998) method 10 intervals, including 0/10 against 0/20", () => {
    // Newcombe, Statistics in Medicine 17:873–890, Table II, method 10 (also pinned in the R package propint's
    // tests): 56/70 − 48/80 → 0.0524 to 0.3339; 9/10 − 3/10 → 0.1705 to 0.8090; 0/10 − 0/20 → −0.1611 to 0.2775.
    // Our argument order is (control, treatment) for treatment − control.
    const [a, b] = newcombeDifference({ n: 80, conversions: 48 }, { n: 70, conversions: 56 });
    expectPrinted(a, "0.0524");
    expectPrinted(b, "0.3339");
    const [c, d] = newcombeDifference({ n: 10, conversions: 3 }, { n: 10, conversions: 9 });
    expectPrinted(c, "0.1705");
    expectPrinted(d, "0.8090");
    const [e, f] = newcombeDifference({ n: 20, conversions: 0 }, { n: 10, conversions: 0 });
    expectPrinted(e, "-0.1611");
    expectPrinted(f, "0.2775");
  });

  it("never returns a zero-width interval, however extreme the counts", () => {
    for (const [xa, na, xb, nb] of [
      [0, 2000, 0, 2000],
      [100, 2000, 0, 2000],
      [2000, 2000, 2000, 2000],
      [1, 1, 0, 1],
    ] as const) {
      const [low, high] = newcombeDifference({ n: na, conversions: xa }, { n: nb, conversions: xb });
      expect(high - low).toBeGreaterThan(0);
      expect(low).toBeGreaterThanOrEqual(-1);
      expect(high).toBeLessThanOrEqual(1);
    }
  });
});

describe("chi-square test of independence", () => {
  it("reproduces R's chisq.test example and SciPy's chi2_contingency", () => {
    // R ?chisq.test: M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477))); chisq.test(M) →
    // X-squared = 30.07, df = 2, p-value = 2.954e-07. SciPy 1.17 chi2_contingency(M, correction=False) →
    // statistic 30.070149095754672, p 2.9535891832117595e-07.
    const result = chiSquareIndependence([
      [762, 327, 468],
      [484, 239, 477],
    ]);
    expect(result.df).toBe(2);
    expectPrinted(result.statistic, "30.070149095754672");
    expectPrinted(result.pValue, "2.954e-07");
    expect(result.pValue / 2.9535891832117595e-7 - 1).toBeLessThan(1e-9);
  });

  it("drops empty rows and columns instead of dividing by zero", () => {
    const result = chiSquareIndependence([
      [0, 40],
      [0, 40],
    ]);
    expect(result).toMatchObject({ df: 0, pValue: 1 });
  });
});
