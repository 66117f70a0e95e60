import type { Audience, Condition } from "../core/schema/audience.ts";
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

/** Replaces `{ "audience": id }` references by the named audiences' own conditions, so editing one is a change. */
function resolved(
  condition: Condition | undefined,
  audiences: ReadonlyMap<string, Condition>,
  depth = 0,
): unknown {
  if (!condition || depth > 20) return condition;
  if ("audience" in condition)
    return {
      audience: condition.audience,
      is: resolved(audiences.get(condition.audience), audiences, depth + 1),
    };
  if ("all" in condition) return { all: condition.all.map((inner) => resolved(inner, audiences, depth + 1)) };
  if ("any" in condition) return { any: condition.any.map((inner) => resolved(inner, audiences, depth + 1)) };
  if ("not" in condition) return { not: resolved(condition.not, audiences, depth + 1) };
  return condition;
}

/**
 * Everything that decides which arm a visitor lands in: copy, ops and status are not part of it; the audience is,
 * with the named audiences it refers to spelled out.
 */
export function allocationOf(
  experiment: Experiment,
  audiences: ReadonlyMap<string, Condition> = new Map(),
): string {
  return canonical({
    pages: experiment.pages,
    audience: resolved(experiment.audience, audiences),
    coverage: experiment.coverage,
    holdout: experiment.holdout,
    seed: experiment.seed ?? experiment.id,
    layer: experiment.layer,
    weights: experiment.variants.map((variant) => [variant.id, variant.weight]),
    rollout: experiment.status === "rolled-out" ? experiment.rollout : undefined,
    // Switching to or from a bandit is a new phase; its reweights are periods inside one (the phase keeps them).
    bandit: experiment.allocation ? true : undefined,
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
  audiences: readonly Audience[],
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
  const named = new Map(audiences.map((audience) => [audience.id, audience.condition]));
  for (const experiment of experiments) assign(experiment.id, allocationOf(experiment, named));
  const holdout = holdoutAllocation(settings);
  if (holdout) assign(GLOBAL_HOLDOUT, holdout);
  return phases;
}
