/**
 * A bandit's reweight, pure (docs/autopilot.md#adaptive-allocation): when a running bandit experiment's current
 * period is `every` old and every arm has `burnIn` visitors, the next period's weights by Thompson sampling on the
 * period-stratified posteriors of its metric. The random draws are seeded by experiment, phase and the new period's
 * id, so a tick, a dry run and a test that see the same counts give the same weights.
 */

import { everyMs } from "../core/schema/allocation.ts";
import { CONTROL, type Experiment } from "../core/schema/experiment.ts";
import { MAX_PAST_PERIODS, type Period, type Phase, type Snapshot } from "../core/schema/snapshot.ts";
import { seededRandom } from "../stats/random.ts";
import type { PeriodCell } from "../stats/stratified.ts";
import { posteriors, reweightSeed, thompsonWeights } from "./bandit-weights.ts";
import { type PhaseStats, watchedExperiments } from "./decide.ts";

export interface Reweight {
  experiment: string;
  phase: number;
  /** The new period, to be stored in the phase. */
  period: Period;
  bestProbability: Record<string, number>;
  reason: string;
}

/** The weights period 1 runs with: the variants' own, as shares. */
function ownWeights(experiment: Experiment): Record<string, number> {
  const total = experiment.variants.reduce((sum, variant) => sum + variant.weight, 0);
  return Object.fromEntries(experiment.variants.map((variant) => [variant.id, variant.weight / total]));
}

/** The current period as the phase records it, period 1 (the variants' own weights) before any reweight. */
function currentPeriod(experiment: Experiment, phase: Phase): Period {
  return phase.period ?? { id: 1, since: phase.since, weights: ownWeights(experiment), highest: 1, past: [] };
}

/** cells[period][arm] for the metric, arms in `ids` order, periods in id order. */
function cellsOf(stats: PhaseStats, ids: readonly string[]): PeriodCell[][] {
  const periods = [...new Set((stats.periods ?? []).map((row) => row.period))].sort((a, b) => a - b);
  return periods.map((period) =>
    ids.map((id) => {
      const row = stats.periods?.find((candidate) => candidate.period === period && candidate.arm === id);
      const n = row?.visitors ?? 0;
      const converted = Math.min(row?.converted ?? 0, n);
      return { n, sum: converted, sumSquares: converted };
    }),
  );
}

const pct = (share: number) => `${(100 * share).toFixed(1)}%`;

/**
 * Reweights due now. `latest` is the newest stored version, whose phases may know higher period ids than the active
 * one after a rollback: a period id is never reused for other weights.
 */
export function decideReweights(
  snapshot: Snapshot,
  stats: ReadonlyMap<string, PhaseStats>,
  now: Date,
  latest?: Pick<Snapshot, "phases">,
): Reweight[] {
  const reweights: Reweight[] = [];
  for (const experiment of watchedExperiments(snapshot)) {
    const { allocation } = experiment;
    const phase = snapshot.phases[experiment.id];
    const counts = stats.get(experiment.id);
    if (!allocation || !phase || !counts || counts.phase !== phase.phase) continue;
    const current = currentPeriod(experiment, phase);
    if (now.getTime() - Date.parse(current.since) < everyMs(allocation.every)) continue;
    const ids = experiment.variants.map((variant) => variant.id);
    const visitors = (id: string) =>
      (counts.periods ?? []).filter((row) => row.arm === id).reduce((sum, row) => sum + row.visitors, 0);
    if (ids.some((id) => visitors(id) < allocation.burnIn)) continue;
    const latestPhase = latest?.phases[experiment.id];
    const highest = Math.max(
      current.highest,
      latestPhase?.phase === phase.phase ? (latestPhase.period?.highest ?? 1) : 1,
    );
    const id = highest + 1;
    const variants = posteriors(ids, cellsOf(counts, ids)).filter((arm) => arm.id !== CONTROL);
    const next = thompsonWeights(
      variants,
      { control: allocation.control, floor: allocation.floor },
      seededRandom(reweightSeed(experiment.id, phase.phase, id)),
    );
    const past = [...current.past, { id: current.id, weights: current.weights }].slice(-MAX_PAST_PERIODS);
    const split = ids.map((arm) => `${arm} ${pct(next.weights[arm] ?? 0)}`).join(", ");
    const best = variants
      .map((arm) => `${arm.id} ${(next.bestProbability[arm.id] ?? 0).toFixed(2)}`)
      .join(", ");
    reweights.push({
      experiment: experiment.id,
      phase: phase.phase,
      period: { id, since: now.toISOString(), weights: next.weights, highest: id, past },
      bestProbability: next.bestProbability,
      reason: `phase ${phase.phase} period ${id}: ${split} (P(best) on ${allocation.metric}: ${best}; control fixed at ${pct(allocation.control)})`,
    });
  }
  return reweights;
}
