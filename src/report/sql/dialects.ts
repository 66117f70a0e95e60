/**
 * What differs between the SQL engines the report's statistics query is written for. Everything else in the query
 * is the common core of SQL:2003 (CTEs, ROW_NUMBER and COUNT/MIN/MAX windows, CASE, UNION ALL), so one text per
 * engine differs only in these few spellings.
 */

export const DIALECTS = ["duckdb", "sqlite", "bigquery", "trino", "spark"] as const;
export type DialectName = (typeof DIALECTS)[number];

export interface Dialect {
  name: DialectName;
  types: { text: string; integer: string; double: string };
  /** The UTC day number (days since 1970-01-01) of a positive millisecond timestamp. */
  day(ms: string): string;
  /** ⌊x⌋ of a non-negative number. */
  floor(x: string): string;
  /**
   * A relation of (experiment, phase, visitor, grp) with one row per named audience in `segments` (a JSON array of
   * strings), from a relation `from` that has those columns; visitors with none are added by the caller.
   */
  segmentRows(from: string): string;
}

const standardTypes = { text: "VARCHAR", integer: "BIGINT", double: "DOUBLE" };

export const dialects: Record<DialectName, Dialect> = {
  duckdb: {
    name: "duckdb",
    types: standardTypes,
    day: (ms) => `(${ms} // 86400000)`,
    floor: (x) => `FLOOR(${x})`,
    segmentRows: (from) =>
      `SELECT experiment, phase, visitor, variant, counted, UNNEST(from_json(segments, '["VARCHAR"]')) AS grp FROM ${from}`,
  },
  sqlite: {
    name: "sqlite",
    types: { text: "TEXT", integer: "INTEGER", double: "REAL" },
    // Integer division of a positive integer is its floor; SQLite's FLOOR needs the optional math functions.
    day: (ms) => `(${ms} / 86400000)`,
    floor: (x) => `CAST(${x} AS INTEGER)`,
    segmentRows: (from) =>
      `SELECT f.experiment, f.phase, f.visitor, f.variant, f.counted, j.value AS grp FROM ${from} f, json_each(f.segments) j`,
  },
  bigquery: {
    name: "bigquery",
    types: { text: "STRING", integer: "INT64", double: "FLOAT64" },
    day: (ms) => `DIV(${ms}, 86400000)`,
    floor: (x) => `CAST(FLOOR(${x}) AS INT64)`,
    segmentRows: (from) =>
      `SELECT f.experiment, f.phase, f.visitor, f.variant, f.counted, grp FROM ${from} f CROSS JOIN UNNEST(JSON_VALUE_ARRAY(f.segments)) AS grp`,
  },
  trino: {
    name: "trino",
    types: standardTypes,
    // Trino's division of two BIGINTs truncates, which is the floor for positive values.
    day: (ms) => `(${ms} / 86400000)`,
    floor: (x) => `FLOOR(${x})`,
    segmentRows: (from) =>
      `SELECT f.experiment, f.phase, f.visitor, f.variant, f.counted, t.grp FROM ${from} f CROSS JOIN UNNEST(CAST(json_parse(f.segments) AS ARRAY(VARCHAR))) AS t (grp)`,
  },
  spark: {
    name: "spark",
    types: { text: "STRING", integer: "BIGINT", double: "DOUBLE" },
    day: (ms) => `FLOOR(${ms} / 86400000)`,
    floor: (x) => `FLOOR(${x})`,
    segmentRows: (from) =>
      `SELECT experiment, phase, visitor, variant, counted, explode(from_json(segments, 'array<string>')) AS grp FROM ${from}`,
  },
};
