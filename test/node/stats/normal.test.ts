import { describe, expect, it } from "vitest";
import { erfc, normalCdf, normalPdf, normalQuantile, normalSurvival } from "../../../src/stats/normal.ts";
import { expectPrinted, expectRelative } from "./printed.ts";

describe("standard normal distribution", () => {
  it("matches R's pnorm at textbook points, tails included", () => {
    expectPrinted(normalCdf(-3), "0.001349898"); // R: pnorm(-3) prints 0.001349898
    expectPrinted(normalCdf(1), "0.8413447"); // R: pnorm(1) prints 0.8413447
    expectPrinted(normalCdf(1.959964), "0.9750000"); // 1.959964 is R's qnorm(0.975); Φ of it is 0.975 to 8 dp
    expectPrinted(normalCdf(-10), "7.619853e-24"); // R: pnorm(-10) prints 7.619853e-24
    expect(normalCdf(0)).toBe(0.5);
  });

  it("matches R's qnorm, including far into the tail", () => {
    expectPrinted(normalQuantile(0.975), "1.959964"); // R: qnorm(0.975) prints 1.959964
    expectPrinted(normalQuantile(0.995), "2.575829"); // R: qnorm(0.995) prints 2.575829
    expectPrinted(normalQuantile(1e-10), "-6.361341"); // R: qnorm(1e-10) prints -6.361341
    expect(normalQuantile(0.5)).toBe(0);
  });

  it("computes erfc to the digits of Abramowitz & Stegun's table", () => {
    // A&S Table 7.1: erf(1) = 0.84270 07929 49714 87, so erfc(1) = 0.15729 92070 50285 13 (1 − erf, by hand).
    expectPrinted(erfc(1), "0.1572992070502851");
    expectPrinted(erfc(-1), "1.8427007929497149");
    expect(erfc(0)).toBe(1);
  });

  it("is monotone and symmetric, Φ(x) + Φ(−x) = 1", () => {
    let previous = 0;
    for (let x = -38; x <= 9; x += 0.01) {
      const p = normalCdf(x);
      expect(p).toBeGreaterThanOrEqual(previous);
      expect(Math.abs(p + normalCdf(-x) - 1)).toBeLessThan(2e-16);
      previous = p;
    }
  });

  it("keeps relative accuracy in the upper tail through the survival function", () => {
    expectRelative(normalSurvival(10), normalCdf(-10), 1e-15);
    // Computed here with SciPy 1.17.1, stats.norm.sf(30) = 4.906713927147908e-198 (not a printed table value).
    expectRelative(normalSurvival(30), 4.906713927147908e-198, 1e-12);
  });

  it("inverts its CDF: Φ⁻¹(Φ(x)) ≈ x across the range", () => {
    for (let x = -37; x <= 5; x += 0.05) {
      expect(Math.abs(normalQuantile(normalCdf(x)) - x)).toBeLessThan(1e-9 * Math.max(1, Math.abs(x)));
    }
    for (let x = 0; x <= 37; x += 0.25) {
      expect(Math.abs(-normalQuantile(normalSurvival(x)) - x)).toBeLessThan(1e-9 * Math.max(1, x));
    }
    for (const p of [1e-300, 1e-50, 1e-8, 0.001, 0.02, 0.3, 0.5, 0.8, 0.999]) {
      expectRelative(normalCdf(normalQuantile(p)), p, 1e-13);
    }
  });

  it("has the density 1/√(2π) at zero", () => {
    expectRelative(normalPdf(0), 1 / Math.sqrt(2 * Math.PI), 1e-15);
  });

  it("returns infinities at 0 and 1 and rejects probabilities outside [0, 1]", () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });
});
