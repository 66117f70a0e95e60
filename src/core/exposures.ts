import type { VisitorContext } from "./context.ts";
import type { Decision } from "./decide.ts";
import type { StylistEvent } from "./schema/event.ts";

export interface ExposureOutcome {
  matched: readonly boolean[];
  faulted: readonly boolean[];
}

/**
 * One exposure per experiment whose target really rendered in this page — in either arm — and whose ops all
 * applied cleanly. Logging on assignment instead would count visitors who never saw the page area at all.
 */
export function exposureEvents(
  context: VisitorContext,
  decisions: readonly Decision[],
  outcome: ExposureOutcome,
  rulesVersion: number,
  newId: () => string,
): StylistEvent[] {
  const events: StylistEvent[] = [];
  decisions.forEach((decision, index) => {
    if (!outcome.matched[index] || outcome.faulted[index]) return;
    events.push({
      id: newId(),
      type: "exposure",
      ts: context.now,
      visitor: context.visitorId,
      experiment: decision.compiled.experiment.id,
      variant: decision.variant.id,
      phase: 1,
      rulesVersion,
      path: context.path.slice(0, 512),
      device: context.device,
      ...(context.country ? { country: context.country } : {}),
      ...(context.utm.source ? { source: context.utm.source } : {}),
    });
  });
  return events;
}
