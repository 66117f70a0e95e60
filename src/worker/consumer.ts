import { EventSchema, type StylistEvent } from "../core/schema/event.ts";
import { insertsOf } from "../sink/rows.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";

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
 * Writes a batch into D1 in one transaction. Inserts ignore an existing event id (and order id), so a redelivered
 * message stores nothing twice. Events that fail validation are logged and dropped (retrying cannot fix them) without
 * losing the valid events beside them; if the write fails, the messages holding valid events are retried with a
 * delay and reach the dead-letter queue after max_retries.
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
  try {
    await env.DB.batch(insertsOf(events).map(({ sql, params }) => env.DB.prepare(sql).bind(...params)));
    for (const message of writing) message.ack();
  } catch (error) {
    logFault("sink_write_failed", error, { count: events.length });
    for (const message of writing) message.retry({ delaySeconds: 10 });
  }
}
