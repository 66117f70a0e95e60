/**
 * The large bandit simulations behind docs/autopilot.md's figures (`npm run sim:bandit [-- --seeds N]`): the same
 * scenarios as test/node/autopilot/bandit-simulation.test.ts, at realistic sizes. Seeded: the same flags print the
 * same table. Not part of `npm test`.
 */

import { parseArgs } from "node:util";
import {
  type BanditScenario,
  simulateRun,
  stratifiedZ,
  trueStratifiedRate,
} from "../src/autopilot/bandit-simulation.ts";
import { normalSurvival } from "../src/stats/normal.ts";
import { type PeriodCell, pooledMean, stratifiedMean } from "../src/stats/stratified.ts";

const { values } = parseArgs({ options: { seeds: { type: "string", default: "1000" } } });
const SEEDS = Number(values.seeds);
const ALPHA = 0.05;

const base = { periods: 10, visitorsPerPeriod: 2_000, control: 0.2, floor: 0.01, draws: 1_000 };
const rising = Array.from({ length: 10 }, (_, p) => 0.02 * p);
const scenarios: Array<[string, BanditScenario]> = [
  ["winner, steady base rate", { ...base, rates: [0.05, 0.05, 0.06] }],
  ["winner, base rate +18 pts over the test", { ...base, rates: [0.05, 0.05, 0.06], drift: rising }],
  ["A/A, steady", { ...base, rates: [0.05, 0.05, 0.05] }],
  ["A/A, base rate +18 pts", { ...base, rates: [0.05, 0.05, 0.05], drift: rising }],
];

function meanSe(values: readonly number[]) {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, se: Math.sqrt(variance / values.length) };
}

const pooledZ = (cells: PeriodCell[][], arm: number) => {
  const v = pooledMean(cells, arm);
  const c = pooledMean(cells, 0);
  return (v.mean - c.mean) / Math.sqrt(v.variance + c.variance);
};
const declares = (z: (arm: number) => number) =>
  [1, 2].some((arm) => 2 * normalSurvival(Math.abs(z(arm))) < ALPHA / 2);
const fmt = ({ mean, se }: { mean: number; se: number }, scale = 1, digits = 2) =>
  `${(mean * scale).toFixed(digits)} ± ${(se * scale).toFixed(digits)}`;

console.log(
  `${SEEDS} seeds per scenario; 3 arms (control, v1, v2); ${base.periods} periods of ${base.visitorsPerPeriod} visitors; control ${base.control}, floor ${base.floor}\n`,
);
console.log(
  "| scenario | v2 traffic, bandit | regret bandit / fixed (conversions) | bias of v2 − control, stratified (pts) | bias, pooled (pts) | false winners, stratified | false winners, pooled |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
const started = performance.now();
for (const [name, scenario] of scenarios) {
  const share: number[] = [];
  const regret: number[] = [];
  const fixed: number[] = [];
  const strat: number[] = [];
  const pooled: number[] = [];
  let falseStrat = 0;
  let falsePooled = 0;
  const truth = trueStratifiedRate(scenario, 2) - trueStratifiedRate(scenario, 0);
  const aa = scenario.rates.every((rate) => rate === scenario.rates[0]);
  for (let seed = 1; seed <= SEEDS; seed++) {
    const run = simulateRun(scenario, "bandit", seed);
    const visitors = scenario.periods * scenario.visitorsPerPeriod;
    share.push(run.cells.reduce((sum, period) => sum + (period[2]?.n ?? 0), 0) / visitors);
    regret.push(run.regret);
    fixed.push(simulateRun(scenario, "fixed", seed).regret);
    strat.push(stratifiedMean(run.cells, 2).mean - stratifiedMean(run.cells, 0).mean - truth);
    pooled.push(pooledMean(run.cells, 2).mean - pooledMean(run.cells, 0).mean - truth);
    if (aa && declares((arm) => stratifiedZ(run.cells, arm))) falseStrat++;
    if (aa && declares((arm) => pooledZ(run.cells, arm))) falsePooled++;
  }
  const rate = (count: number) => (aa ? `${count}/${SEEDS} (${((100 * count) / SEEDS).toFixed(1)}%)` : "—");
  console.log(
    `| ${name} | ${fmt(meanSe(share), 100, 1)}% | ${fmt(meanSe(regret), 1, 0)} / ${fmt(meanSe(fixed), 1, 0)} | ${fmt(meanSe(strat), 100, 3)} | ${fmt(meanSe(pooled), 100, 3)} | ${rate(falseStrat)} | ${rate(falsePooled)} |`,
  );
}
console.error(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
