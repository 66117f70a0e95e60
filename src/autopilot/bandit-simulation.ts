/**
 * A bandit run in miniature, for the proofs in test/node/autopilot/bandit-simulation.test.ts and the large runs of
 * `npm run sim:bandit`: periods of visitors assigned by the period's weights, each converting with their arm's true
 * rate plus the period's drift, and between periods the same reweight the autopilot does (bandit-weights.ts).
 * Pure and seeded: one seed is one replayable run.
 */

import { seededRandom } from "../stats/random.ts";
import { type PeriodCell, stratifiedMean } from "../stats/stratified.ts";
import { posteriors, thompsonWeights } from "./bandit-weights.ts";

export interface BanditScenario {
  /** True conversion rate of each arm; arm 0 is the control. */
  rates: readonly number[];
  periods: number;
  visitorsPerPeriod: number;
  /** Added to every arm's rate in each period (the base rate moving during the test); default none. */
  drift?: readonly number[];
  control: number;
  floor: number;
  /** Thompson draws per reweight. */
  draws?: number;
}

export interface SimulatedRun {
  /** cells[period][arm]. */
  cells: PeriodCell[][];
  /** The weights each period ran with. */
  shares: number[][];
  /** Expected conversions lost against always serving the best arm: Σ visitors × (best rate − their arm's rate). */
  regret: number;
}

const clamp = (rate: number) => Math.min(1, Math.max(0, rate));

/** `mode` "fixed": an equal split throughout; "bandit": an equal split in period 1, then Thompson reweights. */
export function simulateRun(scenario: BanditScenario, mode: "bandit" | "fixed", seed: number): SimulatedRun {
  const random = seededRandom(seed);
  const arms = scenario.rates.length;
  const ids = scenario.rates.map((_, i) => (i === 0 ? "control" : `v${i}`));
  const cells: PeriodCell[][] = [];
  const shares: number[][] = [];
  let regret = 0;
  let weights = scenario.rates.map(() => 1 / arms);
  for (let p = 0; p < scenario.periods; p++) {
    if (mode === "bandit" && p > 0) {
      const all = posteriors(ids, cells);
      const next = thompsonWeights(
        all.slice(1),
        {
          control: scenario.control,
          floor: scenario.floor,
          ...(scenario.draws ? { draws: scenario.draws } : {}),
        },
        random,
      );
      weights = ids.map((id) => next.weights[id] ?? 0);
    }
    shares.push(weights);
    const rates = scenario.rates.map((rate) => clamp(rate + (scenario.drift?.[p] ?? 0)));
    const best = Math.max(...rates);
    const period: PeriodCell[] = scenario.rates.map(() => ({ n: 0, sum: 0, sumSquares: 0 }));
    for (let visitor = 0; visitor < scenario.visitorsPerPeriod; visitor++) {
      let u = random.next();
      let arm = 0;
      while (arm < arms - 1 && u >= (weights[arm] ?? 0)) {
        u -= weights[arm] ?? 0;
        arm += 1;
      }
      const cell = period[arm] as PeriodCell;
      const converted = random.next() < (rates[arm] ?? 0) ? 1 : 0;
      cell.n += 1;
      cell.sum += converted;
      cell.sumSquares += converted;
      regret += best - (rates[arm] ?? 0);
    }
    cells.push(period);
  }
  return { cells, shares, regret };
}

/** What every estimator should recover for an arm: its rate averaged over the periods by their traffic Nₚ/N. */
export function trueStratifiedRate(scenario: BanditScenario, arm: number): number {
  let total = 0;
  for (let p = 0; p < scenario.periods; p++)
    total += clamp((scenario.rates[arm] ?? 0) + (scenario.drift?.[p] ?? 0));
  return total / scenario.periods;
}

/** Two-sided z-test of a variant against the control on the stratified estimates. */
export function stratifiedZ(cells: readonly (readonly PeriodCell[])[], arm: number): number {
  const variant = stratifiedMean(cells, arm);
  const control = stratifiedMean(cells, 0);
  return (variant.mean - control.mean) / Math.sqrt(variant.variance + control.variance);
}
