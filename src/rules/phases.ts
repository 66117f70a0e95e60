import type { Experiment } from "../core/schema/experiment.ts";
import { GLOBAL_HOLDOUT, type Settings } from "../core/schema/settings.ts";
import type { Phase, Snapshot } from "../core/schema/snapshot.ts";

/** JSON with object keys sorted, so two equal allocations written in a different key order digest alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Everything that decides which arm a visitor lands in. Copy, ops and status are not part of it. */
export function allocationOf(experiment: Experiment): string {
  return canonical({
    pages: experiment.pages,
    audience: experiment.audience,
    coverage: experiment.coverage,
    holdout: experiment.holdout,
    seed: experiment.seed ?? experiment.id,
    layer: experiment.layer,
    weights: experiment.variants.map((variant) => [variant.id, variant.weight]),
    rollout: experiment.status === "rolled-out" ? experiment.rollout : undefined,
  });
}

function holdoutAllocation(settings: Settings): string | undefined {
  return settings.holdout ? canonical(settings.holdout) : undefined;
}

/**
 * Phases for a new snapshot. An experiment keeps its phase while its allocation is unchanged from the active
 * version; otherwise it starts the next phase number, above any it has had in the active or the latest version
 * (a rollback followed by a push never reuses a number).
 */
export function nextPhases(
  experiments: readonly Experiment[],
  settings: Settings,
  active: Pick<Snapshot, "phases"> | undefined,
  latest: Pick<Snapshot, "phases"> | undefined,
  now: Date,
): Record<string, Phase> {
  const phases: Record<string, Phase> = {};
  const assign = (id: string, allocation: string) => {
    const current = active?.phases[id];
    const highest = Math.max(current?.highest ?? 0, latest?.phases[id]?.highest ?? 0);
    phases[id] =
      current && current.allocation === allocation
        ? { ...current, highest: Math.max(highest, current.phase) }
        : { phase: highest + 1, since: now.toISOString(), allocation, highest: highest + 1 };
  };
  for (const experiment of experiments) assign(experiment.id, allocationOf(experiment));
  const holdout = holdoutAllocation(settings);
  if (holdout) assign(GLOBAL_HOLDOUT, holdout);
  return phases;
}
