import { describe, expect, it } from "vitest";
import { sampleRatioMismatch } from "../../../src/stats/srm.ts";
import {
  type PeriodCell,
  periodSampleRatioMismatch,
  pooledMean,
  stratifiedMean,
} from "../../../src/stats/stratified.ts";

const cell = (n: number, converted: number): PeriodCell => ({ n, sum: converted, sumSquares: converted });

describe("period-stratified estimates (GrowthBook gbstats/bayesian/bandits_previous.py, weight_by_period)", () => {
  // Period 1: 100 visitors, period 2: 300. Weights Nₚ/N = 0.25 and 0.75 for every arm.
  const cells = [
    [cell(50, 5), cell(50, 5)],
    [cell(60, 18), cell(240, 72)],
  ];

  it("weights each period's mean by the period's share of all visitors, not the arm's", () => {
    // Arm 1: 0.25 · 5/50 + 0.75 · 72/240 = 0.025 + 0.225.
    expect(stratifiedMean(cells, 1).mean).toBeCloseTo(0.25, 12);
    expect(stratifiedMean(cells, 0).mean).toBeCloseTo(0.25, 12);
  });

  it("has variance Σ wₚ²·sₚ²/nₚ with the unbiased per-period sample variance", () => {
    const s2 = (n: number, c: number) => (c - (c * c) / n) / (n - 1);
    const expected = (0.25 ** 2 * s2(50, 5)) / 50 + (0.75 ** 2 * s2(240, 72)) / 240;
    expect(stratifiedMean(cells, 1).variance).toBeCloseTo(expected, 14);
  });

  it("pooling the same data makes equal arms look different (Simpson's paradox)", () => {
    // Both arms convert at 10% then 30% in each period, but arm 1 got most of its traffic in period 2.
    expect(pooledMean(cells, 0).mean).toBeCloseTo(23 / 110, 12);
    expect(pooledMean(cells, 1).mean).toBeCloseTo(77 / 290, 12);
  });

  it("renormalises the period weights over the periods in which the arm had visitors", () => {
    const gap = [
      [cell(100, 10), cell(0, 0)],
      [cell(100, 30), cell(100, 40)],
    ];
    expect(stratifiedMean(gap, 1).mean).toBeCloseTo(0.4, 12);
    expect(stratifiedMean([[cell(5, 1), cell(0, 0)]], 1).n).toBe(0);
  });
});

describe("sample-ratio mismatch against each period's expected shares", () => {
  it("is Pearson's X² over every period × arm cell, df = periods × (arms − 1)", () => {
    const result = periodSampleRatioMismatch(
      [
        [500, 500],
        [210, 790],
      ],
      [
        [0.5, 0.5],
        [0.2, 0.8],
      ],
    );
    expect(result.expected).toEqual([
      [500, 500],
      [200, 800],
    ]);
    expect(result.df).toBe(2);
    expect(result.statistic).toBeCloseTo(10 ** 2 / 200 + 10 ** 2 / 800, 12);
  });

  it("reduces to the one-period test when there is one period", () => {
    const one = periodSampleRatioMismatch([[530, 470]], [[1, 1]]);
    expect(one.pValue).toBeCloseTo(sampleRatioMismatch([530, 470], [1, 1]).pValue, 12);
  });

  it("sees a split that pooled counts hide: right overall, wrong in each period", () => {
    // Pooled 1,000 : 1,000 against pooled expectations of 1,000 : 1,000 — yet each period is off by 100.
    const observed = [
      [600, 400],
      [400, 600],
    ];
    const shares = [
      [0.5, 0.5],
      [0.5, 0.5],
    ];
    expect(sampleRatioMismatch([1000, 1000], [1, 1]).pValue).toBe(1);
    expect(periodSampleRatioMismatch(observed, shares).pValue).toBeLessThan(1e-10);
  });

  it("calls visitors in an arm the period gave no traffic a mismatch", () => {
    expect(periodSampleRatioMismatch([[100, 3]], [[1, 0]]).pValue).toBe(0);
  });
});
