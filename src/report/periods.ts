/**
 * A bandit experiment's allocation periods as the rules record them (snapshot phases, docs/autopilot.md): each
 * period's id and the expected share of every arm in it, holdout included, for the per-period SRM check and the
 * stratified report. Period 1 is the variants' own weights until the first reweight.
 */

import type { Experiment } from "../core/schema/experiment.ts";
import type { Phase } from "../core/schema/snapshot.ts";
import { type ArmConfig, sharesWithWeights } from "./config.ts";

/** Period id → the arms' expected shares in it. Periods the rules no longer remember are absent. */
export function periodShares(experiment: Experiment, phase: Phase | undefined): Map<number, ArmConfig[]> {
  const periods = new Map<number, ArmConfig[]>();
  const own = Object.fromEntries(experiment.variants.map((variant) => [variant.id, variant.weight]));
  periods.set(1, sharesWithWeights(experiment, own));
  for (const past of phase?.period?.past ?? [])
    periods.set(past.id, sharesWithWeights(experiment, past.weights));
  if (phase?.period) periods.set(phase.period.id, sharesWithWeights(experiment, phase.period.weights));
  return periods;
}
