import { compileExperiment } from "../core/decide/compile.ts";
import { assign } from "../core/decide/decide.ts";
import type { Audience } from "../core/schema/audience.ts";
import type { Experiment } from "../core/schema/experiment.ts";
import { syntheticContext, type VisitorContext } from "../core/visitor/context.ts";
import { allocationOf } from "./phases.ts";

interface RuleSetLike {
  experiments: readonly Experiment[];
  audiences?: readonly Audience[];
}

export interface BlastRadius {
  id: string;
  /** The allocation changed, so the next push starts a new phase and reports start again from zero. */
  newPhase: boolean;
  /** Share of simulated visitors, eligible before or after, whose logged arm changes. */
  armChangeShare: number;
  simulated: number;
}

const SIMULATED_VISITORS = 20_000;
const NO_SCOPE = { timeZone: "UTC", audiences: new Map() };
const isLive = (experiment: Experiment | undefined) =>
  experiment !== undefined && (experiment.status === "running" || experiment.status === "rolled-out");

/** A deterministic visitor id per index, so the same diff always reports the same figures. */
const visitorId = (index: number) => index.toString(16).padStart(32, "0");

/** The arm a visitor would be logged in, by allocation alone: audience and schedule are set aside. */
function armOf(experiment: Experiment | undefined, context: VisitorContext): string {
  if (!experiment || !isLive(experiment)) return "-";
  const compiled = compileExperiment(
    { ...experiment, audience: undefined, schedule: undefined },
    1,
    NO_SCOPE,
  );
  const result = assign(compiled, context);
  return typeof result === "string" ? "-" : result.arm;
}

/**
 * For every experiment live before or after: would the change start a new phase, and what share of visitors would
 * change arm. Computed by assigning the same simulated visitors under both versions.
 */
export function blastRadius(before: RuleSetLike, after: RuleSetLike): BlastRadius[] {
  const previous = new Map(before.experiments.map((experiment) => [experiment.id, experiment]));
  const named = (rules: RuleSetLike) =>
    new Map((rules.audiences ?? []).map((audience) => [audience.id, audience.condition]));
  const [namedBefore, namedAfter] = [named(before), named(after)];
  const results: BlastRadius[] = [];
  for (const experiment of after.experiments) {
    const old = previous.get(experiment.id);
    if (!isLive(old) && !isLive(experiment)) continue;
    let changed = 0;
    let involved = 0;
    for (let i = 0; i < SIMULATED_VISITORS; i++) {
      const context = syntheticContext({ visitorId: visitorId(i) });
      const [was, now] = [armOf(old, context), armOf(experiment, context)];
      if (was === "-" && now === "-") continue;
      involved++;
      if (was !== now) changed++;
    }
    results.push({
      id: experiment.id,
      newPhase:
        old !== undefined &&
        isLive(old) &&
        allocationOf(old, namedBefore) !== allocationOf(experiment, namedAfter),
      armChangeShare: involved === 0 ? 0 : changed / involved,
      simulated: SIMULATED_VISITORS,
    });
  }
  return results;
}
