import { describe, expect, it } from "vitest";
import {
  bayesianRelativeLift,
  chanceToBeatControlMeans,
  chanceToBeatControlProportions,
} from "../../../src/stats/bayes.ts";
import { normalCdf } from "../../../src/stats/normal.ts";
import { proportionSummary } from "../../../src/stats/proportions.ts";
import { expectPrinted, expectRelative } from "./printed.ts";

describe("chance to beat control for conversion rates (exact, Beta posteriors)", () => {
  it("matches probabilities integrated by hand", () => {
    // Uniform priors, so posteriors are Beta(1 + x, 1 + n − x). Each P(pB > pA) = ∫ f_B(b)·F_A(b) db by hand:
    // no data: Beta(1,1) vs Beta(1,1) → 1/2.
    expectRelative(
      chanceToBeatControlProportions({ n: 0, conversions: 0 }, { n: 0, conversions: 0 }),
      0.5,
      1e-14,
    );
    // A: none, B: 1/1 → Beta(1,1) vs Beta(2,1): ∫ 2b·b db = 2/3.
    expectRelative(
      chanceToBeatControlProportions({ n: 0, conversions: 0 }, { n: 1, conversions: 1 }),
      2 / 3,
      1e-14,
    );
    // A: 0/1, B: 1/1 → Beta(1,2) vs Beta(2,1): ∫ 2b·(2b − b²) db = 4/3 − 1/2 = 5/6.
    expectRelative(
      chanceToBeatControlProportions({ n: 1, conversions: 0 }, { n: 1, conversions: 1 }),
      5 / 6,
      1e-14,
    );
    // A: 1/2, B: 2/2 → Beta(2,2) vs Beta(3,1): ∫ 3b²·(3b² − 2b³) db = 9/5 − 1 = 4/5.
    expectRelative(
      chanceToBeatControlProportions({ n: 2, conversions: 1 }, { n: 2, conversions: 2 }),
      4 / 5,
      1e-14,
    );
  });

  it("sits next to GrowthBook's earlier log-normal approximation for 49/100 against 51/100", () => {
    // GrowthBook gbstats tests/bayesian/test_tests.py (BinomialBayesianABTest, log-normal approximation of the
    // Beta posteriors): chance_to_win 0.61052. The exact value, 0.61077052268784, was checked here by numerical
    // integration with SciPy 1.17.1 (quad of f_B·F_A) — a computed, not a published, figure.
    const exact = chanceToBeatControlProportions({ n: 100, conversions: 49 }, { n: 100, conversions: 51 });
    expectRelative(exact, 0.61077052268784, 1e-11);
    expect(Math.abs(exact - 0.61052)).toBeLessThan(5e-4);
  });

  it("is complementary in the arms and one half for identical data", () => {
    const a = { n: 5000, conversions: 250 };
    const b = { n: 4800, conversions: 262 };
    expect(
      Math.abs(chanceToBeatControlProportions(a, b) + chanceToBeatControlProportions(b, a) - 1),
    ).toBeLessThan(1e-10);
    expect(Math.abs(chanceToBeatControlProportions(a, a) - 0.5)).toBeLessThan(1e-10);
  });

  it("agrees with the normal approximation to the difference of the betas at large counts", () => {
    const control = { n: 5_000_000, conversions: 200_000 };
    const treatment = { n: 5_000_000, conversions: 200_700 };
    const moments = (x: number, n: number) => {
      const alpha = 1 + x;
      const beta = 1 + n - x;
      return {
        mean: alpha / (alpha + beta),
        variance: (alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1)),
      };
    };
    const a = moments(control.conversions, control.n);
    const b = moments(treatment.conversions, treatment.n);
    const approximation = normalCdf((b.mean - a.mean) / Math.sqrt(a.variance + b.variance));
    const exact = chanceToBeatControlProportions(control, treatment); // 200,001 series terms
    expect(Math.abs(exact - approximation)).toBeLessThan(1e-6);
    // Beyond a million conversions per arm the library switches to that approximation itself.
    const huge = chanceToBeatControlProportions(
      { n: 9e6, conversions: 2e6 },
      { n: 9e6, conversions: 2.001e6 },
    );
    expect(huge).toBeGreaterThan(0.5);
    expect(huge).toBeLessThan(1);
  });
});

describe("GrowthBook's Bayesian relative lift (normal approximation, flat prior)", () => {
  it("reproduces GrowthBook's binomial example", () => {
    // GrowthBook gbstats tests/bayesian/test_tests.py, TestBinom with GaussianEffectABTest: 49/100 → 51/100 gives
    // expected 0.04082, ci [-0.24779, 0.32943], uplift stddev 0.14725, chance_to_win 0.60918.
    const lift = bayesianRelativeLift(
      proportionSummary({ n: 100, conversions: 49 }),
      proportionSummary({ n: 100, conversions: 51 }),
    );
    expectPrinted(lift.expected, "0.04082");
    expectPrinted(lift.standardError, "0.14725");
    expectPrinted(lift.credibleInterval[0], "-0.24779");
    expectPrinted(lift.credibleInterval[1], "0.32943");
    expectPrinted(lift.chanceToWin, "0.60918");
  });

  it("reproduces GrowthBook's revenue example from sufficient statistics", () => {
    // Same file, TestNorm: SampleMeanStatistic(sum=100, sum_squares=1002.25, n=10) against
    // (sum=105, sum_squares=1111.5, n=10) gives expected 0.05, ci [-0.02, 0.12], stddev 0.03572,
    // chance_to_win 0.91923.
    const lift = chanceToBeatControlMeans(
      { n: 10, sum: 100, sumSquares: 1002.25 },
      { n: 10, sum: 105, sumSquares: 1111.5 },
    );
    expectPrinted(lift.expected, "0.05");
    expectPrinted(lift.standardError, "0.03572");
    expectPrinted(lift.credibleInterval[0], "-0.02");
    expectPrinted(lift.credibleInterval[1], "0.12");
    expectPrinted(lift.chanceToWin, "0.91923");
  });

  it("gives one half for a zero lift and is undefined for a zero control mean", () => {
    const same = chanceToBeatControlMeans(
      { n: 10, sum: 100, sumSquares: 1002.25 },
      { n: 10, sum: 100, sumSquares: 1002.25 },
    );
    expect(same.chanceToWin).toBe(0.5);
    const zero = bayesianRelativeLift({ n: 10, mean: 0, variance: 1 }, { n: 10, mean: 1, variance: 1 });
    expect(zero.chanceToWin).toBeNaN();
  });
});
