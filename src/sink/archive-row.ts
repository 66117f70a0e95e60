import type { StylistEvent } from "../core/schema/event.ts";

/**
 * The archive's row: one flat, nullable-where-optional shape for every event type, shared by the Parquet files the
 * queue consumer writes to R2, the records sent to a Cloudflare Pipelines stream, and the CLI that reads both back.
 * Flat and typed the same everywhere so DuckDB, Spark, Trino and BigQuery read the files with no per-type schema.
 *
 * Versioned: a change of column meaning or type bumps ARCHIVE_SCHEMA_VERSION and docs/analytics.md says how to
 * read both. Adding a nullable column is backwards compatible (engines union files by column name).
 */
export const ARCHIVE_SCHEMA_VERSION = 1;

// A type, not an interface, so a row is a Record<string, unknown> for the Pipelines binding.
export type ArchiveRow = {
  schema_version: number;
  id: string;
  type: StylistEvent["type"];
  ts: number;
  visitor: string;
  path: string;
  device: string | null;
  country: string | null;
  source: string | null;
  experiment: string | null;
  variant: string | null;
  phase: number | null;
  rules_version: number | null;
  segments: string | null;
  goal: string | null;
  value: number | null;
  currency: string | null;
  order_id: string | null;
  reported_by: string | null;
  products: string | null;
  /** A bandit's allocation period the visitor was assigned in (docs/autopilot.md); null for fixed splits and conversions. */
  period: number | null;
};

/** Column order and Parquet types; `docs/analytics.md` documents each column from this list. */
export const ARCHIVE_COLUMNS = [
  { name: "schema_version", type: "INT32", required: true },
  { name: "id", type: "STRING", required: true },
  { name: "type", type: "STRING", required: true },
  { name: "ts", type: "INT64", required: true },
  { name: "visitor", type: "STRING", required: true },
  { name: "path", type: "STRING", required: true },
  { name: "device", type: "STRING", required: false },
  { name: "country", type: "STRING", required: false },
  { name: "source", type: "STRING", required: false },
  { name: "experiment", type: "STRING", required: false },
  { name: "variant", type: "STRING", required: false },
  { name: "phase", type: "INT32", required: false },
  { name: "rules_version", type: "INT32", required: false },
  { name: "segments", type: "STRING", required: false },
  { name: "goal", type: "STRING", required: false },
  { name: "value", type: "INT64", required: false },
  { name: "currency", type: "STRING", required: false },
  { name: "order_id", type: "STRING", required: false },
  { name: "reported_by", type: "STRING", required: false },
  { name: "products", type: "STRING", required: false },
  { name: "period", type: "INT32", required: false },
] as const satisfies ReadonlyArray<{ name: keyof ArchiveRow; type: string; required: boolean }>;

export function archiveRowOf(event: StylistEvent): ArchiveRow {
  const base = {
    schema_version: ARCHIVE_SCHEMA_VERSION,
    id: event.id,
    type: event.type,
    ts: event.ts,
    visitor: event.visitor,
    path: event.path,
    device: event.device ?? null,
    country: event.country ?? null,
    source: event.source ?? null,
  };
  if (event.type === "conversion") {
    return {
      ...base,
      experiment: null,
      variant: null,
      phase: null,
      rules_version: null,
      segments: null,
      goal: event.goal,
      value: event.value ?? null,
      currency: event.currency ?? null,
      order_id: event.orderId ?? null,
      reported_by: event.reportedBy ?? null,
      products: event.products ? JSON.stringify(event.products) : null,
      period: null,
    };
  }
  return {
    ...base,
    experiment: event.experiment,
    variant: event.variant,
    phase: event.phase,
    rules_version: event.rulesVersion,
    segments: event.segments ? JSON.stringify(event.segments) : null,
    goal: null,
    value: null,
    currency: null,
    order_id: null,
    reported_by: null,
    products: null,
    period: event.period ?? null,
  };
}

const present = <K extends string, V>(key: K, value: V | null | undefined) =>
  (value === null || value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/**
 * A row back into the event envelope (not validated here: readers pass the result through EventSchema, so a file
 * from elsewhere cannot smuggle in an event the sink would have refused). Numbers may arrive as bigint from INT64.
 */
export function eventOfArchiveRow(row: Record<string, unknown>): Record<string, unknown> {
  const number = (value: unknown) => (typeof value === "bigint" ? Number(value) : value);
  const common = {
    id: row.id,
    type: row.type,
    ts: number(row.ts),
    visitor: row.visitor,
    path: row.path,
    ...present("device", row.device),
    ...present("country", row.country),
    ...present("source", row.source),
  };
  if (row.type === "conversion") {
    return {
      ...common,
      goal: row.goal,
      ...present("value", number(row.value)),
      ...present("currency", row.currency),
      ...present("orderId", row.order_id),
      ...present("reportedBy", row.reported_by),
      ...present("products", typeof row.products === "string" ? JSON.parse(row.products) : null),
    };
  }
  return {
    ...common,
    experiment: row.experiment,
    variant: row.variant,
    phase: number(row.phase),
    rulesVersion: number(row.rules_version),
    ...present("segments", typeof row.segments === "string" ? JSON.parse(row.segments) : null),
    ...present("period", number(row.period)),
  };
}

/** `YYYY-MM-DD` in UTC: the day partition an event's file lives under. */
function dayOf(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** `events/dt=YYYY-MM-DD/type=exposure/`: engines prune by day and type from the path alone (Hive layout). */
export function partitionOf(ts: number, type: StylistEvent["type"]): string {
  return `events/dt=${dayOf(ts)}/type=${type}/`;
}

/** Parses a key written by partitionOf back into its day and type, or undefined for anything else. */
export function partitionOfKey(key: string): { dt: string; type: string } | undefined {
  const match = /^events\/dt=(\d{4}-\d{2}-\d{2})\/type=([a-z]+)\/[^/]+\.parquet$/.exec(key);
  return match ? { dt: match[1] as string, type: match[2] as string } : undefined;
}
