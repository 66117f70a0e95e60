/**
 * Thompson sampling for a bandit's next period (docs/autopilot.md#adaptive-allocation). Each non-control variant's
 * posterior for the metric is normal, centred on its period-stratified conversion rate with the stratified variance
 * (src/stats/stratified.ts, as GrowthBook's bandits: a normal posterior per arm); the share of draws in which a
 * variant is best is its probability of being best. The control keeps `control` of the traffic whatever happens, so
 * every variant is always judged against it; the variants split the rest by that probability, none below `floor`.
 */

import { fmix32, fnv1a32 } from "../core/decide/hash.ts";
import { CONTROL } from "../core/schema/experiment.ts";
import type { Random } from "../stats/random.ts";
import { type PeriodCell, stratifiedMean } from "../stats/stratified.ts";

/** Monte Carlo draws per reweight: P(best) to about ±0.01, in well under a millisecond per arm. */
const THOMPSON_DRAWS = 4_000;

export interface BanditOptions {
  /** Fixed share of all traffic for the control. */
  control: number;
  /** Least share of all traffic for each variant. */
  floor: number;
  draws?: number;
}

export interface ArmPosterior {
  id: string;
  mean: number;
  variance: number;
}

export interface BanditWeights {
  /** Variant id → share of the experiment's traffic, the control included; they add up to 1. */
  weights: Record<string, number>;
  /** Non-control variant id → probability of being best, from the draws. */
  bestProbability: Record<string, number>;
}

/** The seed of one reweight, so the scheduled run is reproducible: experiment, phase and the period it starts. */
export function reweightSeed(experiment: string, phase: number, period: number): number {
  return fmix32(fnv1a32(new TextEncoder().encode(`bandit:${experiment}:${phase}:${period}`)));
}

/**
 * Each arm's posterior from its period cells (`cells[p][arm]`, arms in `ids` order). A conversion rate of 0 or 1 in
 * a small cell would claim no uncertainty at all, so the variance is never below that of a rate smoothed by one
 * success and one failure; an arm with no visitors yet is as uncertain as a rate can be (variance 1/4).
 */
export function posteriors(
  ids: readonly string[],
  cells: readonly (readonly PeriodCell[])[],
): ArmPosterior[] {
  return ids.map((id, arm) => {
    const estimate = stratifiedMean(cells, arm);
    if (estimate.n === 0) return { id, mean: 0.5, variance: 0.25 };
    const sum = cells.reduce((total, period) => total + (period[arm]?.sum ?? 0), 0);
    const smoothed = (sum + 1) / (estimate.n + 2);
    const least = (smoothed * (1 - smoothed)) / (estimate.n + 2);
    return { id, mean: estimate.mean, variance: Math.max(estimate.variance, least) };
  });
}

/** Water-filling: shares proportional to `raw`, adding up to `budget`, none below `floor`. */
function withFloor(raw: readonly number[], budget: number, floor: number): number[] {
  const fixed = raw.map(() => false);
  for (;;) {
    const freeRaw = raw.reduce((sum, value, i) => (fixed[i] ? sum : sum + value), 0);
    const freeBudget = budget - floor * fixed.filter(Boolean).length;
    const shares = raw.map((value, i) =>
      fixed[i]
        ? floor
        : freeRaw > 0
          ? (freeBudget * value) / freeRaw
          : freeBudget / fixed.filter((f) => !f).length,
    );
    const below = shares.findIndex((share, i) => !fixed[i] && share < floor);
    if (below === -1) return shares;
    fixed[below] = true;
  }
}

/** The next period's weights by Thompson sampling over the non-control variants' posteriors. */
export function thompsonWeights(
  variants: readonly ArmPosterior[],
  options: BanditOptions,
  random: Random,
): BanditWeights {
  const draws = options.draws ?? THOMPSON_DRAWS;
  const wins = variants.map(() => 0);
  for (let draw = 0; draw < draws; draw++) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    variants.forEach((arm, i) => {
      const value = arm.mean + Math.sqrt(arm.variance) * random.normal();
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    wins[best] = (wins[best] ?? 0) + 1;
  }
  const probability = wins.map((count) => count / draws);
  const shares = withFloor(probability, 1 - options.control, options.floor);
  const weights: Record<string, number> = { [CONTROL]: options.control };
  const bestProbability: Record<string, number> = {};
  variants.forEach((arm, i) => {
    weights[arm.id] = shares[i] ?? 0;
    bestProbability[arm.id] = probability[i] ?? 0;
  });
  return { weights, bestProbability };
}
