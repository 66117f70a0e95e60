import { EventSchema, MAX_VALUE, type StylistEvent } from "../../core/schema/event.ts";
import { eventOfArchiveRow } from "../../sink/archive-row.ts";
import { CLIError, EXIT } from "../errors.ts";
import { onlyValueOverCap, type Skipped } from "../skipped-events.ts";
import type { ArchiveReader } from "./duckdb-archive.ts";

/**
 * A row from a file becomes an event only if the sink would have accepted it; a conversion whose only fault is a
 * value above the schema's cap is skipped and counted (as the NDJSON reader does), anything else stops the read.
 */
function validEvent(row: Record<string, unknown>, skipped?: Skipped): StylistEvent | undefined {
  const candidate = eventOfArchiveRow(row);
  const parsed = EventSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  if (skipped && onlyValueOverCap(candidate)) {
    skipped.valuesOverCap++;
    return undefined;
  }
  const issue = parsed.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new CLIError(
    `archive event ${String(row.id)} is not a Stylist event: ${path}${issue?.message ?? "invalid"}`,
    EXIT.invalid,
  );
}

export interface ArchiveFilter {
  experiment?: string;
  phase?: number;
  /** CUPED: also read conversions this long before the earliest exposure. */
  lookbackMs?: number;
}

/**
 * The archive in the order the report's aggregator asks for (src/report/aggregate.ts): every exposure in time
 * order, then every conversion from the earliest exposure (less the CUPED lookback) on, in time order — the same
 * stream the D1 sink gives (src/report/sink-source.ts). Rows stream out of DuckDB in chunks; nothing is held but the
 * current chunk.
 */
export async function* archiveEvents(
  archive: ArchiveReader,
  filter: ArchiveFilter = {},
  skipped?: Skipped,
): AsyncGenerator<StylistEvent> {
  const params = [filter.experiment ?? null, filter.phase ?? null];
  let earliest: number | undefined;
  for await (const row of archive.rows(
    `SELECT * FROM archive WHERE type = 'exposure'
       AND ($1::VARCHAR IS NULL OR experiment = $1) AND ($2::INTEGER IS NULL OR phase = $2)
     ORDER BY ts, id`,
    params,
  )) {
    const event = validEvent(row, skipped);
    if (!event) continue;
    earliest ??= event.ts;
    yield event;
  }
  if (earliest === undefined) return;
  for await (const row of archive.rows(
    `WITH winners AS (
       SELECT id FROM (
         SELECT id, row_number() OVER (PARTITION BY goal, order_id
           ORDER BY CASE WHEN reported_by = 'server' THEN 0 ELSE 1 END, ts, id) AS order_rank
         FROM archive WHERE type = 'conversion' AND order_id IS NOT NULL AND (value IS NULL OR value <= ${MAX_VALUE}))
       WHERE order_rank = 1)
     SELECT a.*, a.order_id IS NOT NULL AND w.id IS NULL AS losing_report
     FROM archive a LEFT JOIN winners w ON w.id = a.id
     WHERE a.type = 'conversion' AND a.ts >= $1 ORDER BY a.ts, a.id`,
    [earliest - (filter.lookbackMs ?? 0)],
  )) {
    const losing = row.losing_report === true;
    delete row.losing_report;
    const event = validEvent(row, skipped);
    if (!event) continue;
    if (losing) losingReports.add(event);
    yield event;
  }
}

/**
 * Reports of an order that do not count (docs/report.md rule 4): the order's winning report is the shop backend's
 * if there is one, else the earliest (ts, then id), over the whole archive — not only the part a report reads —
 * exactly as the SQL statistics and the D1 sink choose it.
 */
const losingReports = new WeakSet<StylistEvent>();

/** The aggregator's `countsOrder` for events from archiveEvents. */
export const countsArchiveOrder = (event: StylistEvent): boolean => !losingReports.has(event);

export interface ListFilter {
  experiment: string | undefined;
  goal: string | undefined;
  type: string | undefined;
  limit: number;
}

/** The newest events for `stylist events`, newest first, with the same filters as on D1. */
export async function newestArchiveEvents(
  archive: ArchiveReader,
  filters: ListFilter,
): Promise<StylistEvent[]> {
  const rows = await archive.query(
    `SELECT * FROM archive
     WHERE ($1::VARCHAR IS NULL OR experiment = $1) AND ($2::VARCHAR IS NULL OR goal = $2)
       AND ($3::VARCHAR IS NULL OR type = $3)
       AND ($1::VARCHAR IS NULL OR type <> 'conversion') AND ($2::VARCHAR IS NULL OR type = 'conversion')
     ORDER BY ts DESC, id LIMIT $4`,
    [filters.experiment ?? null, filters.goal ?? null, filters.type ?? null, filters.limit],
  );
  return rows.map((row) => validEvent(row) as StylistEvent);
}

/** Exposures and misses per experiment, phase and type since a time, for `stylist review`. */
export function archiveActivity(archive: ArchiveReader, since: number) {
  return archive.query<{ experiment: string; phase: number; type: string; n: number; last: number }>(
    `SELECT experiment, phase, type, count(*)::DOUBLE AS n, max(ts)::DOUBLE AS last FROM archive
     WHERE type <> 'conversion' AND ts >= $1 GROUP BY experiment, phase, type`,
    [since],
  );
}
