import type { StylistEvent } from "../core/schema/event.ts";
import { insertsOf } from "./rows.ts";
import type { EventSink } from "./sink.ts";

/** The default sink: one D1 transaction of multi-row `INSERT OR IGNORE`s (rows.ts), so redelivery stores nothing twice. */
/** The slice of D1Database used, typed here so src/sink compiles without the Workers types. */
export interface D1Like<Statement> {
  prepare(sql: string): { bind(...values: unknown[]): Statement };
  batch(statements: Statement[]): Promise<unknown>;
}

export function d1Sink<Statement>(db: D1Like<Statement>): EventSink {
  return {
    name: "d1",
    async write(events: readonly StylistEvent[]) {
      await db.batch(insertsOf(events).map(({ sql, params }) => db.prepare(sql).bind(...params)));
    },
  };
}
