import { EventSchema, type StylistEvent } from "../core/schema/event.ts";
import { insertOf } from "../sink/rows.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";

function insertStatement(db: D1Database, event: StylistEvent): D1PreparedStatement {
  const { sql, params } = insertOf(event);
  return db.prepare(sql).bind(...params);
}

/**
 * Writes a batch into D1 in one transaction. Inserts ignore an existing event id (and order id), so a redelivered
 * batch stores nothing twice. Messages that fail validation are acknowledged and logged (retrying cannot fix them);
 * if the write fails, valid messages are retried with a delay and reach the dead-letter queue after max_retries.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const valid: Array<{ message: Message<unknown>; event: StylistEvent }> = [];
  for (const message of batch.messages) {
    const parsed = EventSchema.safeParse(message.body);
    if (parsed.success) valid.push({ message, event: parsed.data });
    else {
      logFault("event_invalid", parsed.error, { messageId: message.id });
      message.ack();
    }
  }
  if (valid.length === 0) return;
  try {
    await env.DB.batch(valid.map(({ event }) => insertStatement(env.DB, event)));
    for (const { message } of valid) message.ack();
  } catch (error) {
    logFault("sink_write_failed", error, { count: valid.length });
    for (const { message } of valid) message.retry({ delaySeconds: 10 });
  }
}
