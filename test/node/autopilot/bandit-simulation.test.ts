/**
 * Proof by simulation (issue 18): seeded, bounded, no timers. The seeds are fixed before looking; each run is tiny
 * (a thousand visitors) so 200 of them take about a second. `npm run sim:bandit` runs the same scenarios large.
 */
import { describe, expect, it } from "vitest";
import {
  type BanditScenario,
  simulateRun,
  stratifiedZ,
  trueStratifiedRate,
} from "../../../src/autopilot/bandit-simulation.ts";
import { normalSurvival } from "../../../src/stats/normal.ts";
import { pooledMean, stratifiedMean } from "../../../src/stats/stratified.ts";

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

/** Control and one variant at 10%, one true winner at 20%; the base rate climbs 20 points during the test. */
const WINNER: BanditScenario = {
  rates: [0.1, 0.1, 0.2],
  periods: 5,
  visitorsPerPeriod: 200,
  drift: [0, 0.05, 0.1, 0.15, 0.2],
  control: 0.2,
  floor: 0.05,
  draws: 400,
};

function meanAndError(values: readonly number[]): { mean: number; se: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, se: Math.sqrt(variance / values.length) };
}

/** The binomial's 99% quantile: a count of rare events above it is evidence the rate is above `rate`. */
function binomialQuantile99(n: number, rate: number): number {
  let cumulative = 0;
  let probability = (1 - rate) ** n;
  for (let k = 0; k <= n; k++) {
    cumulative += probability;
    if (cumulative >= 0.99) return k;
    probability *= ((n - k) / (k + 1)) * (rate / (1 - rate));
  }
  return n;
}

describe("a 3-arm bandit with one true winner", () => {
  const runs = SEEDS.map((seed) => ({
    bandit: simulateRun(WINNER, "bandit", seed),
    fixed: simulateRun(WINNER, "fixed", seed),
  }));

  it("sends the winner more traffic than a fixed split and loses fewer conversions (lower regret)", () => {
    const share = (run: (typeof runs)[number]["bandit"]) =>
      run.cells.reduce((sum, period) => sum + (period[2]?.n ?? 0), 0) /
      (WINNER.periods * WINNER.visitorsPerPeriod);
    const banditShare = meanAndError(runs.map((run) => share(run.bandit)));
    const banditRegret = meanAndError(runs.map((run) => run.bandit.regret));
    const fixedRegret = meanAndError(runs.map((run) => run.fixed.regret));
    expect(banditShare.mean).toBeGreaterThan(0.5);
    expect(meanAndError(runs.map((run) => share(run.fixed))).mean).toBeCloseTo(1 / 3, 1);
    expect(banditRegret.mean + 3 * banditRegret.se).toBeLessThan(fixedRegret.mean - 3 * fixedRegret.se);
  });

  it("keeps the control's fixed share in every period and every variant at or above the floor", () => {
    for (const { bandit } of runs) {
      for (const weights of bandit.shares.slice(1)) {
        expect(weights[0]).toBe(WINNER.control);
        for (const share of weights.slice(1)) expect(share).toBeGreaterThanOrEqual(WINNER.floor - 1e-12);
        expect(weights.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 12);
      }
    }
  });

  it("estimates every arm without bias when stratified by period: mean error within 2 standard errors", () => {
    for (let arm = 0; arm < 3; arm++) {
      const truth = trueStratifiedRate(WINNER, arm);
      const errors = meanAndError(runs.map(({ bandit }) => stratifiedMean(bandit.cells, arm).mean - truth));
      expect(Math.abs(errors.mean)).toBeLessThan(2 * errors.se);
    }
  });

  it("is biased when pooled across periods while the base rate drifts (Simpson's paradox)", () => {
    // The winner's traffic comes mostly from the later, higher-converting periods, so pooling flatters it and
    // understates the arms starved then: the pooled lift of the winner over the control is too large.
    const truth = trueStratifiedRate(WINNER, 2) - trueStratifiedRate(WINNER, 0);
    const pooled = meanAndError(
      runs.map(({ bandit }) => pooledMean(bandit.cells, 2).mean - pooledMean(bandit.cells, 0).mean - truth),
    );
    const stratified = meanAndError(
      runs.map(
        ({ bandit }) => stratifiedMean(bandit.cells, 2).mean - stratifiedMean(bandit.cells, 0).mean - truth,
      ),
    );
    expect(pooled.mean).toBeGreaterThan(6 * pooled.se);
    expect(Math.abs(stratified.mean)).toBeLessThan(2 * stratified.se);
    const loser = meanAndError(
      runs.map(({ bandit }) => pooledMean(bandit.cells, 1).mean - trueStratifiedRate(WINNER, 1)),
    );
    expect(loser.mean).toBeLessThan(-6 * loser.se);
  });
});

describe("an A/A bandit (three equal arms, drifting base rate)", () => {
  const AA: BanditScenario = { ...WINNER, rates: [0.1, 0.1, 0.1] };
  const ALPHA = 0.05;
  /** A winner is declared when either variant differs from the control, Bonferroni over the two comparisons. */
  const declares = (z: (arm: number) => number) =>
    [1, 2].some((arm) => 2 * normalSurvival(Math.abs(z(arm))) < ALPHA / 2);
  const runs = SEEDS.map((seed) => simulateRun(AA, "bandit", seed));

  it("declares a winner on the stratified estimates no more often than α allows", () => {
    const winners = runs.filter((run) => declares((arm) => stratifiedZ(run.cells, arm))).length;
    // Measured: 13 of 200 (6.5%); bound: the binomial 99% quantile at α = 5%.
    expect(winners).toBeLessThanOrEqual(binomialQuantile99(SEEDS.length, ALPHA));
  });

  it("declares far more false winners when the same runs are pooled", () => {
    const pooledZ = (cells: (typeof runs)[number]["cells"], arm: number) => {
      const variant = pooledMean(cells, arm);
      const control = pooledMean(cells, 0);
      return (variant.mean - control.mean) / Math.sqrt(variant.variance + control.variance);
    };
    const pooled = runs.filter((run) => declares((arm) => pooledZ(run.cells, arm))).length;
    expect(pooled).toBeGreaterThan(binomialQuantile99(SEEDS.length, ALPHA));
  });
});
