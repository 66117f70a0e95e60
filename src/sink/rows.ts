import type { AssignmentEvent, ConversionEvent, StylistEvent } from "../core/schema/event.ts";

/**
 * The D1 sink: exposures and misses in `events`, conversions in `conversions` (migrations/). Inserts are
 * `OR IGNORE` on the event id — and, for conversions, on (goal, order id) — so redelivery and duplicate order reports
 * store nothing twice. Shared by the queue consumer (writes) and the CLI (reads), so both agree on every column.
 */
const INSERT_ASSIGNMENT = `INSERT OR IGNORE INTO events
  (id, type, ts, visitor, experiment, variant, phase, rules_version, path, device, country, source, segments)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const INSERT_CONVERSION = `INSERT OR IGNORE INTO conversions
  (id, ts, visitor, goal, value, currency, order_id, path, device, country, source)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export type SqlValue = string | number | null;

/** D1 binds at most 100 parameters per statement. */
const MAX_BOUND_PARAMETERS = 100;

/**
 * The same inserts as insertOf, several rows per statement: a page view's ten exposures become two statements
 * instead of ten, which is most of what the consumer's write costs. Row order and OR IGNORE are unchanged.
 */
export function insertsOf(events: readonly StylistEvent[]): Array<{ sql: string; params: SqlValue[] }> {
  const byStatement = new Map<string, SqlValue[][]>();
  for (const event of events) {
    const { sql, params } = insertOf(event);
    const rows = byStatement.get(sql);
    if (rows) rows.push(params);
    else byStatement.set(sql, [params]);
  }
  const statements: Array<{ sql: string; params: SqlValue[] }> = [];
  for (const [sql, rows] of byStatement) {
    const columns = rows[0]?.length ?? 1;
    const perStatement = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / columns));
    const [head] = sql.split("VALUES");
    const placeholders = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      statements.push({
        sql: `${head}VALUES ${chunk.map(() => placeholders).join(", ")}`,
        params: chunk.flat(),
      });
    }
  }
  return statements;
}

export function insertOf(event: StylistEvent): { sql: string; params: SqlValue[] } {
  if (event.type === "conversion") {
    return {
      sql: INSERT_CONVERSION,
      params: [
        event.id,
        event.ts,
        event.visitor,
        event.goal,
        event.value ?? null,
        event.currency ?? null,
        event.orderId ?? null,
        event.path,
        event.device ?? null,
        event.country ?? null,
        event.source ?? null,
      ],
    };
  }
  return {
    sql: INSERT_ASSIGNMENT,
    params: [
      event.id,
      event.type,
      event.ts,
      event.visitor,
      event.experiment,
      event.variant,
      event.phase,
      event.rulesVersion,
      event.path,
      event.device,
      event.country ?? null,
      event.source ?? null,
      event.segments ? JSON.stringify(event.segments) : null,
    ],
  };
}

export interface AssignmentRow {
  id: string;
  type: "exposure" | "miss";
  ts: number;
  visitor: string;
  experiment: string;
  variant: string;
  phase: number;
  rules_version: number;
  path: string;
  device: AssignmentEvent["device"];
  country: string | null;
  source: string | null;
  segments: string | null;
}

export interface ConversionRow {
  id: string;
  ts: number;
  visitor: string;
  goal: string;
  value: number | null;
  currency: string | null;
  order_id: string | null;
  path: string;
  device: ConversionEvent["device"] | null;
  country: string | null;
  source: string | null;
}

const optional = <K extends string, V>(key: K, value: V | null) =>
  (value === null || value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/** Rows back into the queue's event shape, so CLI output can be fed to `stylist report --events` as-is. */
export function assignmentFromRow(row: AssignmentRow): AssignmentEvent {
  const segments = row.segments ? (JSON.parse(row.segments) as string[]) : undefined;
  return {
    id: row.id,
    type: row.type,
    ts: row.ts,
    visitor: row.visitor,
    experiment: row.experiment,
    variant: row.variant,
    phase: row.phase,
    rulesVersion: row.rules_version,
    path: row.path,
    device: row.device,
    ...optional("country", row.country),
    ...optional("source", row.source),
    ...optional("segments", segments ?? null),
  };
}

export function conversionFromRow(row: ConversionRow): ConversionEvent {
  return {
    id: row.id,
    type: "conversion",
    ts: row.ts,
    visitor: row.visitor,
    goal: row.goal,
    path: row.path,
    ...optional("device", row.device),
    ...optional("value", row.value),
    ...optional("currency", row.currency),
    ...optional("orderId", row.order_id),
    ...optional("country", row.country),
    ...optional("source", row.source),
  };
}
