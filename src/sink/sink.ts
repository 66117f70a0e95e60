import type { StylistEvent } from "../core/schema/event.ts";

/**
 * Where the queue consumer puts validated events. Every sink is at-least-once: `write` either stores all the events
 * it is given (possibly some of them a second time, on a redelivered batch) or throws, and the consumer then retries
 * the batch's messages. Duplicates are harmless by construction — D1 ignores an existing id; the archive and the
 * Pipelines table keep them and every reader removes them by id (docs/analytics.md).
 */
export interface EventSink {
  readonly name: SinkName;
  write(events: readonly StylistEvent[]): Promise<void>;
}

export const SINK_NAMES = ["d1", "r2", "pipelines"] as const;
export type SinkName = (typeof SINK_NAMES)[number];

/** The `SINK` var: unset means D1; anything not listed is a configuration error, never a silent fallback. */
export function sinkNameOf(value: string | undefined): SinkName {
  const name = (value ?? "d1").trim().toLowerCase() || "d1";
  if ((SINK_NAMES as readonly string[]).includes(name)) return name as SinkName;
  throw new Error(`SINK must be one of ${SINK_NAMES.join(", ")}, not "${value}"`);
}
