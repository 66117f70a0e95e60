/**
 * The rules each reported phase ran under, from stored versions. The active version describes each
 * experiment's current phase; an earlier phase (the allocation has changed since) is looked up in the history,
 * newest first, so its own weights and holdout check its split.
 */

import type { Snapshot } from "../core/schema/snapshot.ts";
import type { RuleStore } from "../rules/store.ts";
import { history, readSnapshot } from "../rules/versions.ts";
import { configsOf, type ExperimentConfig } from "./config.ts";

const key = (experiment: string, phase: number) => `${experiment}\u0000${phase}`;

export interface PhaseRules {
  configFor(experiment: string, phase: number | undefined): ExperimentConfig | undefined;
  /** Phases whose rules no stored version has. */
  missing: { experiment: string; phase: number }[];
}

function phaseOf(snapshot: Snapshot, experiment: string): number | undefined {
  return snapshot.phases[experiment]?.phase;
}

function addFrom(
  snapshot: Snapshot,
  found: Map<string, ExperimentConfig>,
  wanted: readonly [string, number][],
) {
  const configs = configsOf(snapshot);
  for (const [experiment, phase] of wanted) {
    const config = configs.get(experiment);
    // A version that records no phase for the experiment (written before phases existed) describes all of them.
    const recorded = phaseOf(snapshot, experiment);
    if (config && (recorded === undefined || recorded === phase) && !found.has(key(experiment, phase)))
      found.set(key(experiment, phase), config);
  }
}

/** Versions read at most while looking for an earlier phase's rules. */
const HISTORY_LIMIT = 200;

/** Looks up the rules of every wanted (experiment, phase), reading older versions only when needed. */
export async function phaseRules(
  store: RuleStore,
  active: Snapshot,
  wanted: readonly [string, number][],
): Promise<PhaseRules> {
  const current = configsOf(active);
  const found = new Map<string, ExperimentConfig>();
  addFrom(active, found, wanted);
  const open = () => wanted.filter(([experiment, phase]) => !found.has(key(experiment, phase)));
  if (open().length > 0) {
    for (const entry of (await history(store)).slice(0, HISTORY_LIMIT)) {
      if (entry.version === active.version) continue;
      const snapshot = await readSnapshot(store, entry.version).catch(() => undefined);
      if (snapshot) addFrom(snapshot, found, open());
      if (open().length === 0) break;
    }
  }
  return {
    configFor: (experiment, phase) =>
      phase === undefined ? current.get(experiment) : found.get(key(experiment, phase)),
    missing: open().map(([experiment, phase]) => ({ experiment, phase })),
  };
}
