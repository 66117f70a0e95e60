import type { Decision } from "../decide/decide.ts";
import { bucket } from "../decide/hash.ts";
import type { StylistEvent } from "../schema/event.ts";
import type { VisitorContext } from "../visitor/context.ts";

export interface ExposureOutcome {
  matched: readonly boolean[];
  faulted: readonly boolean[];
}

/**
 * A page view where an experiment was decided but none of its targets rendered is logged as a "miss" for one in
 * MISS_SAMPLE_RATE visitors (by hash, so a visitor is always or never sampled): enough for `stylist review` to see a
 * selector that stopped matching, without a flood of events when one does.
 */
export const MISS_SAMPLE_RATE = 20;

/**
 * One exposure per experiment whose target really rendered in this page — in any arm — and whose ops all applied
 * cleanly; split-URL tests are exposed when decided. Logging on assignment instead would count visitors who never
 * saw the page area at all.
 */
export function exposureEvents(
  context: VisitorContext,
  decisions: readonly Decision[],
  outcome: ExposureOutcome,
  rulesVersion: number,
  newId: () => string,
  segments: readonly string[] = [],
): StylistEvent[] {
  const events: StylistEvent[] = [];
  decisions.forEach((decision, index) => {
    if (outcome.faulted[index]) return;
    const { compiled } = decision;
    const exposed = outcome.matched[index] || compiled.exposeOnDecision;
    if (!exposed && bucket(`miss:${compiled.experiment.id}`, context.visitorId) >= 1 / MISS_SAMPLE_RATE)
      return;
    events.push({
      id: newId(),
      type: exposed ? "exposure" : "miss",
      ts: context.now,
      visitor: context.visitorId,
      experiment: compiled.experiment.id,
      variant: decision.arm,
      phase: compiled.phase,
      ...(decision.period !== undefined ? { period: decision.period } : {}),
      rulesVersion,
      path: context.path.slice(0, 512),
      device: context.device,
      ...(context.country ? { country: context.country } : {}),
      ...(context.utm.source ? { source: context.utm.source } : {}),
      ...(segments.length > 0 ? { segments: segments.slice(0, 20) } : {}),
    });
  });
  return events;
}
