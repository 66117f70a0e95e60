import type { AssignmentEvent, ConversionEvent, Reporter, StylistEvent } from "../core/schema/event.ts";

/**
 * The D1 sink: exposures and misses in `events`, conversions in `conversions` (migrations/). An event id is stored
 * once, and a visitor's exposures in one arm of one phase are one row (migration 0004). An order is one row per
 * (goal, order id): its winning report, the shop's signed backend's if any (the source of truth for revenue), else
 * the earliest by (ts, id) — the rule every reader of the archive applies too (docs/report.md rule 4). Shared by the queue consumer
 * (writes) and the CLI (reads), so both agree on every column.
 */
/**
 * The first exposure (or miss) per visitor, experiment phase and arm is the row; a repeat folds into it (migration
 * 0004): `views` + 1 and `last_seen` moved on, and if the repeat is in fact earlier (queues do not keep order) it
 * becomes the row's first exposure, with its own id, path and segments. A redelivered event whose id is the row's
 * changes nothing; one folded in before adds to `views` again, which only `review`'s rough activity figures read.
 */
const EARLIER = "excluded.ts < events.ts OR (excluded.ts = events.ts AND excluded.id < events.id)";
const earlierOr = (column: string) =>
  `${column} = CASE WHEN ${EARLIER} THEN excluded.${column} ELSE events.${column} END`;
const INSERT_ASSIGNMENT = `INSERT INTO events
  (id, type, ts, visitor, experiment, variant, phase, rules_version, path, device, country, source, segments, last_seen, period)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO NOTHING
  ON CONFLICT (visitor, experiment, phase, variant, type) DO UPDATE SET
    views = events.views + 1,
    last_seen = max(events.last_seen, excluded.ts),
    ${["id", "ts", "rules_version", "path", "device", "country", "source", "segments", "period"].map(earlierOr).join(",\n    ")}`;

/** What a device, country or source means belongs to a visitor: kept from the browser's row only for the same one. */
const SAME_VISITOR_OR_NEW = (column: string) =>
  `${column} = CASE WHEN conversions.visitor = excluded.visitor THEN coalesce(excluded.${column}, conversions.${column}) ELSE excluded.${column} END`;

/**
 * docs/report.md rule 4, the same everywhere: an order's row is its winning report — the shop backend's if any,
 * else the earliest (ts, then id) — whatever order the queue delivers them in.
 */
const SERVER = (table: string) => `(coalesce(${table}.reported_by, '') = 'server')`;
const WINS = `CASE WHEN ${SERVER("excluded")} <> ${SERVER("conversions")} THEN ${SERVER("excluded")}
      ELSE excluded.ts < conversions.ts OR (excluded.ts = conversions.ts AND excluded.id < conversions.id) END`;

/** The upsert after VALUES: a report of an order that wins over the stored one replaces it (WINS). */
const CONVERSION_CONFLICTS = `ON CONFLICT (goal, order_id) WHERE order_id IS NOT NULL DO UPDATE SET
    id = excluded.id, ts = excluded.ts, visitor = excluded.visitor, value = excluded.value, currency = excluded.currency,
    path = excluded.path, ${["device", "country", "source"].map(SAME_VISITOR_OR_NEW).join(", ")},
    reported_by = excluded.reported_by, products = coalesce(excluded.products, conversions.products)
    WHERE ${WINS}
  ON CONFLICT DO NOTHING`;

const INSERT_CONVERSION = `INSERT INTO conversions
  (id, ts, visitor, goal, value, currency, order_id, path, device, country, source, reported_by, products)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ${CONVERSION_CONFLICTS}`;

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
    const placeholders = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
    // Everything before the one row of placeholders, and whatever follows it (the conflict clauses).
    const at = sql.indexOf(placeholders);
    const head = sql.slice(0, at);
    const tail = sql.slice(at + placeholders.length);
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      statements.push({
        sql: `${head}${chunk.map(() => placeholders).join(", ")}${tail}`,
        params: chunk.flat(),
      });
    }
  }
  return statements;
}

/**
 * Before `reportedBy`, the browser endpoint stored its order ids as `browser:<id>` so they could not pre-empt the
 * backend's. Such an event still on the queue (or in an archive) while the new worker runs is a browser report of
 * `<id>`; an order id from a server is never rewritten.
 */
const LEGACY_BROWSER_PREFIX = "browser:";

function reporterOf(event: ConversionEvent): { reportedBy: Reporter | null; orderId: string | null } {
  const orderId = event.orderId ?? null;
  if (event.reportedBy) return { reportedBy: event.reportedBy, orderId };
  if (orderId?.startsWith(LEGACY_BROWSER_PREFIX) && orderId.length > LEGACY_BROWSER_PREFIX.length)
    return { reportedBy: "browser", orderId: orderId.slice(LEGACY_BROWSER_PREFIX.length) };
  return { reportedBy: null, orderId };
}

export function insertOf(event: StylistEvent): { sql: string; params: SqlValue[] } {
  if (event.type === "conversion") {
    const { reportedBy, orderId } = reporterOf(event);
    return {
      sql: INSERT_CONVERSION,
      params: [
        event.id,
        event.ts,
        event.visitor,
        event.goal,
        event.value ?? null,
        event.currency ?? null,
        orderId,
        event.path,
        event.device ?? null,
        event.country ?? null,
        event.source ?? null,
        reportedBy,
        event.products ? JSON.stringify(event.products) : null,
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
      event.ts,
      event.period ?? null,
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
  /** Latest time this visitor was exposed in this arm (migration 0004); null on rows from before it. */
  last_seen?: number | null;
  /** Exposures folded into this row (migration 0004). */
  views?: number;
  /** A bandit's allocation period (migration 0005); null for fixed splits. */
  period?: number | null;
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
  /** Null for rows stored before migration 0003 that it could not attribute. */
  reported_by?: Reporter | null;
  /** A JSON array of catalogue slugs (migration 0006); null when the event named none. */
  products?: string | null;
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
    ...optional("period", row.period ?? null),
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
    ...optional("reportedBy", row.reported_by ?? null),
    ...optional("products", row.products ? (JSON.parse(row.products) as string[]) : null),
  };
}
