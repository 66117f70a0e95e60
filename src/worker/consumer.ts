import { EventSchema, type StylistEvent } from "../core/schema/event.ts";
import type { EventSink } from "../sink/sink.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";
import { sinkOf } from "./sink-of.ts";

/** A message holds one event (the storefront endpoints) or a page view's pack of them (`{ events: [...] }`). */
function eventsIn(body: unknown): unknown[] {
  if (
    body &&
    typeof body === "object" &&
    !("type" in body) &&
    Array.isArray((body as { events?: unknown }).events)
  ) {
    return (body as { events: unknown[] }).events;
  }
  return [body];
}

/**
 * Writes a batch to the configured sink (`SINK`: D1 by default, the R2 Parquet archive, or a Pipelines stream) in
 * one write. Every sink is at-least-once and every event carries an idempotency id: D1 ignores an existing id (and
 * order id); archive readers drop repeated ids. Events that fail validation are logged and dropped (retrying cannot
 * fix them) without losing the valid events beside them; if the write fails, the messages holding valid events are
 * retried with a delay and reach the dead-letter queue after max_retries.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const writing: Array<Message<unknown>> = [];
  const events: StylistEvent[] = [];
  for (const message of batch.messages) {
    let valid = 0;
    for (const body of eventsIn(message.body)) {
      const parsed = EventSchema.safeParse(body);
      if (parsed.success) {
        events.push(parsed.data);
        valid++;
      } else logFault("event_invalid", parsed.error, { messageId: message.id });
    }
    if (valid > 0) writing.push(message);
    else message.ack();
  }
  if (events.length === 0) return;
  let sink: EventSink;
  try {
    sink = sinkOf(env);
  } catch (error) {
    logFault("sink_misconfigured", error, { count: events.length });
    for (const message of writing) message.retry({ delaySeconds: 10 });
    return;
  }
  try {
    await sink.write(events);
    for (const message of writing) message.ack();
  } catch (error) {
    logFault("sink_write_failed", error, { sink: sink.name, count: events.length });
    for (const message of writing) message.retry({ delaySeconds: 10 });
  }
}
