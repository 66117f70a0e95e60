/**
 * Events from the D1 sink for the aggregator, in pages: every exposure first (ordered by ts, id), then every
 * conversion from the earliest exposure on (ordered by ts, id) — the order the aggregator's contract asks for.
 * Keyset pagination (ts, id) > (last ts, last id), so a page costs the same however deep it is, locally or over
 * the REST API. Misses are not read: reports ignore them.
 */

import type { StylistEvent } from "../core/schema/event.ts";
import {
  type AssignmentRow,
  assignmentFromRow,
  type ConversionRow,
  conversionFromRow,
} from "../sink/rows.ts";

/** The slice of the CLI's SqlRunner this needs. */
export interface SqlQuery {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface SinkFilter {
  experiment?: string;
  phase?: number;
  pageSize?: number;
  /** CUPED: also read conversions this long before the earliest exposure (each visitor's lookback window). */
  lookbackMs?: number;
}

const EXPOSURES = `SELECT * FROM events
  WHERE type = 'exposure' AND (?1 IS NULL OR experiment = ?1) AND (?2 IS NULL OR phase = ?2)
    AND (ts > ?3 OR (ts = ?3 AND id > ?4))
  ORDER BY ts, id LIMIT ?5`;

const CONVERSIONS = `SELECT * FROM conversions
  WHERE ts > ?1 OR (ts = ?1 AND id > ?2)
  ORDER BY ts, id LIMIT ?3`;

export async function* sinkEvents(sink: SqlQuery, filter: SinkFilter = {}): AsyncGenerator<StylistEvent> {
  const pageSize = filter.pageSize ?? 5_000;
  let earliest = Number.POSITIVE_INFINITY;
  let after: [number, string] = [-1, ""];
  for (;;) {
    const rows = await sink.query<AssignmentRow>(EXPOSURES, [
      filter.experiment ?? null,
      filter.phase ?? null,
      after[0],
      after[1],
      pageSize,
    ]);
    for (const row of rows) {
      if (row.ts < earliest) earliest = row.ts;
      const first = assignmentFromRow(row);
      yield first;
      // The row holds the first exposure and, since migration 0004, the latest as last_seen: passed on as a repeat of
      // the same arm, it changes no count and keeps each experiment's "last event" what it was with every row.
      if (typeof row.last_seen === "number" && row.last_seen > row.ts) yield { ...first, ts: row.last_seen };
    }
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) break;
    after = [last.ts, last.id];
  }
  if (earliest === Number.POSITIVE_INFINITY) return;
  after = [earliest - 1 - (filter.lookbackMs ?? 0), ""];
  for (;;) {
    const rows = await sink.query<ConversionRow>(CONVERSIONS, [after[0], after[1], pageSize]);
    for (const row of rows) yield conversionFromRow(row);
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) break;
    after = [last.ts, last.id];
  }
}
