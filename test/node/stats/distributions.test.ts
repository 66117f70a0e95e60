import { describe, expect, it } from "vitest";
import { regularizedBeta } from "../../../src/stats/beta.ts";
import { chiSquareCdf, chiSquareSurvival } from "../../../src/stats/chi-square.ts";
import { logGamma, regularizedGammaP, regularizedGammaQ } from "../../../src/stats/gamma.ts";
import { studentTCdf, studentTQuantile, studentTTwoSidedPValue } from "../../../src/stats/student-t.ts";
import { expectPrinted, expectRelative } from "./printed.ts";

describe("log-gamma", () => {
  it("matches Γ(1/2) = √π and factorials", () => {
    expectRelative(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-15); // A&S 6.1.8: Γ(1/2) = √π
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-15);
    expectPrinted(logGamma(11), "15.10441257307552"); // ln(10!) = ln 3628800, by hand
    // ln(100!) = Σ ln k for k = 2..100 (identity, summed here).
    let logFactorial = 0;
    for (let k = 2; k <= 100; k++) logFactorial += Math.log(k);
    expectRelative(logGamma(101), logFactorial, 1e-14);
  });

  it("satisfies the recurrence Γ(x + 1) = xΓ(x) across the range", () => {
    for (const x of [1e-8, 0.01, 0.3, 0.5, 0.9, 1.5, 2.5, 7.25, 33, 170.5, 1e4, 1e7]) {
      const lhs = logGamma(x + 1);
      expect(Math.abs(lhs - (Math.log(x) + logGamma(x)))).toBeLessThan(1e-13 * Math.max(1, Math.abs(lhs)));
    }
  });

  it("rejects non-positive arguments", () => {
    expect(() => logGamma(0)).toThrow(RangeError);
    expect(() => logGamma(-1)).toThrow(RangeError);
  });
});

describe("incomplete gamma and chi-square", () => {
  it("puts the chi-square table's critical values at their probabilities", () => {
    expectPrinted(chiSquareCdf(3.841459, 1), "0.9500000"); // R: qchisq(0.95, df = 1) prints 3.841459
    expectPrinted(chiSquareCdf(5.991465, 2), "0.9500000"); // R: qchisq(0.95, df = 2) prints 5.991465
    expectPrinted(chiSquareSurvival(10.82757, 1), "0.001000"); // R: qchisq(0.999, df = 1) prints 10.82757
    expectPrinted(chiSquareSurvival(27.87716, 9), "0.001000"); // R: qchisq(0.999, df = 9) prints 27.87716
  });

  it("matches the closed forms P(1, x) = 1 − e^−x and the df = 2 survival e^(−x/2), deep in the tail", () => {
    for (const x of [1e-6, 0.1, 1, 2, 5, 20, 100, 700]) {
      expectRelative(regularizedGammaP(1, x), -Math.expm1(-x), 1e-13);
      expectRelative(chiSquareSurvival(2 * x, 2), Math.exp(-x), 1e-12);
    }
  });

  it("keeps P + Q = 1 and P monotone in x", () => {
    for (const a of [0.5, 1, 3.5, 10, 250]) {
      let previous = 0;
      for (let x = 0; x <= 4 * a + 20; x += (4 * a + 20) / 200) {
        const p = regularizedGammaP(a, x);
        expect(p).toBeGreaterThanOrEqual(previous - 1e-15);
        expect(Math.abs(p + regularizedGammaQ(a, x) - 1)).toBeLessThan(1e-13);
        previous = p;
      }
    }
  });
});

describe("incomplete beta", () => {
  it("matches the closed forms I_x(a, 1) = x^a and I_x(1, b) = 1 − (1 − x)^b", () => {
    for (const x of [0.001, 0.2, 0.5, 0.77, 0.999]) {
      for (const a of [0.5, 2, 7.5, 40]) {
        expectRelative(regularizedBeta(x, a, 1), x ** a, 1e-12);
        expectRelative(regularizedBeta(x, 1, a), 1 - (1 - x) ** a, 1e-12);
      }
    }
  });

  it("equals the binomial upper tail: I_p(k, n − k + 1) = P(Bin(n, p) ≥ k)", () => {
    const n = 20;
    const p = 0.3;
    let tail = 0;
    for (let k = n; k >= 1; k--) {
      let choose = 1;
      for (let j = 1; j <= k; j++) choose = (choose * (n - k + j)) / j;
      tail += choose * p ** k * (1 - p) ** (n - k);
      expectRelative(regularizedBeta(p, k, n - k + 1), tail, 1e-12);
    }
  });

  it("is symmetric: I_x(a, b) = 1 − I_{1−x}(b, a), and I_0.5(a, a) = 1/2", () => {
    for (const [x, a, b] of [
      [0.3, 2, 5],
      [0.9, 0.5, 30],
      [0.01, 200, 3],
    ] as const) {
      expect(Math.abs(regularizedBeta(x, a, b) + regularizedBeta(1 - x, b, a) - 1)).toBeLessThan(1e-14);
    }
    for (const a of [0.5, 3, 1000]) expect(Math.abs(regularizedBeta(0.5, a, a) - 0.5)).toBeLessThan(1e-12);
  });
});

describe("Student's t", () => {
  it("matches R's qt at the t-table points", () => {
    expectPrinted(studentTQuantile(0.975, 1), "12.7062"); // R: qt(0.975, 1) prints 12.7062
    expectPrinted(studentTQuantile(0.975, 2), "4.302653"); // R: qt(0.975, 2) prints 4.302653
    expectPrinted(studentTQuantile(0.975, 5), "2.570582"); // R: qt(0.975, 5) prints 2.570582
    expectPrinted(studentTQuantile(0.975, 10), "2.228139"); // R: qt(0.975, 10) prints 2.228139
    expectPrinted(studentTQuantile(0.975, 30), "2.042272"); // R: qt(0.975, 30) prints 2.042272
    expectPrinted(studentTQuantile(0.995, 30), "2.749996"); // R: qt(0.995, 30) prints 2.749996
    expectPrinted(studentTCdf(2.228139, 10), "0.9750000"); // the same table point, forwards
  });

  it("matches the closed forms for one and two degrees of freedom", () => {
    // ν = 1 is the Cauchy distribution, F(t) = 1/2 + atan(t)/π; ν = 2 has F(t) = 1/2 + t / (2√(2 + t²)).
    // For t < 0 both are rewritten without cancellation: atan(1/|t|)/π and 1/(s(s + |t|)), s = √(2 + t²).
    const cauchy = (t: number) => (t < 0 ? Math.atan(-1 / t) / Math.PI : 0.5 + Math.atan(t) / Math.PI);
    const twoDf = (t: number) => {
      const s = Math.sqrt(2 + t * t);
      return t < 0 ? 1 / (s * (s - t)) : 0.5 + t / (2 * s);
    };
    for (const t of [-1e6, -30, -2.5, -0.1, 0, 0.7, 4, 1e3]) {
      expectRelative(studentTCdf(t, 1), cauchy(t), 1e-12);
      expectRelative(studentTCdf(t, 2), twoDf(t), 1e-12);
    }
  });

  it("is monotone and inverts its quantile, also at fractional Welch degrees of freedom", () => {
    for (const df of [1.3, 3, 17.776, 250, 1e6]) {
      let previous = 0;
      for (let t = -50; t <= 50; t += 0.25) {
        const p = studentTCdf(t, df);
        expect(p).toBeGreaterThanOrEqual(previous);
        previous = p;
      }
      for (const p of [1e-12, 1e-5, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999999]) {
        expectRelative(studentTCdf(studentTQuantile(p, df), df), p, 1e-10);
      }
    }
  });

  it("approaches the normal distribution as the degrees of freedom grow", () => {
    expectPrinted(studentTQuantile(0.975, 1e9), "1.959964"); // R: qnorm(0.975)
    expectPrinted(studentTQuantile(0.975, Number.POSITIVE_INFINITY), "1.959964");
  });

  it("computes two-sided p-values without cancellation", () => {
    expectRelative(studentTTwoSidedPValue(-3, 12), 2 * studentTCdf(-3, 12), 1e-15);
    expect(studentTTwoSidedPValue(40, 5)).toBeGreaterThan(0);
    expect(studentTTwoSidedPValue(40, 5)).toBeLessThan(1e-6);
    expect(studentTTwoSidedPValue(0, 5)).toBe(1);
  });

  it("rejects non-positive degrees of freedom", () => {
    expect(() => studentTCdf(1, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, -2)).toThrow(RangeError);
  });
});
