/**
 * What differs between the SQL engines the report's statistics query is written for. Everything else in the query
 * is the common core of SQL:2003 (CTEs, ROW_NUMBER and COUNT/MIN/MAX windows, CASE, UNION ALL), so one text per
 * engine differs only in these few spellings.
 */

export const DIALECTS = [
  "duckdb",
  "sqlite",
  "bigquery",
  "trino",
  "spark",
  "snowflake",
  "clickhouse",
] as const;
export type DialectName = (typeof DIALECTS)[number];

export interface Dialect {
  name: DialectName;
  types: { text: string; integer: string; double: string };
  /** A string constant that reads back as `value` in this engine, whatever it holds. */
  stringLiteral(value: string): string;
  /** The UTC day number (days since 1970-01-01) of a positive millisecond timestamp. */
  day(ms: string): string;
  /** ⌊x⌋ of a non-negative number. */
  floor(x: string): string;
  /**
   * A relation of (experiment, phase, visitor, grp) with one row per named audience in `segments` (a JSON array of
   * strings), from a relation `from` that has those columns; visitors with none are added by the caller.
   */
  segmentRows(from: string): string;
  /**
   * The engine finds no common type for the branches of a UNION ALL unless each column is cast to one (ClickHouse:
   * COUNT is UInt64, a subtraction Int64, and it has no supertype of the two).
   */
  castEveryColumn?: boolean;
  /**
   * The engine's JOIN … ON takes only equalities between the two sides (ClickHouse), so an inner join's range
   * conditions go to WHERE, where they mean the same.
   */
  equiJoinsOnly?: boolean;
  /**
   * The engine applies an ORDER BY after UNION ALL to the last branch alone (ClickHouse), so the branches are
   * ordered as a subquery.
   */
  orderInSubquery?: boolean;
  /** Written after the query: settings without which the engine would compute something else. */
  settings?: string;
}

const standardTypes = { text: "VARCHAR", integer: "BIGINT", double: "DOUBLE" };

/** Standard SQL: a quote is doubled, a backslash is itself (DuckDB, SQLite, Trino). */
function standardLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Where a backslash starts an escape (BigQuery, Spark, Snowflake, ClickHouse): backslashes doubled, the quote and
 * line breaks escaped. A doubled quote is no escape in BigQuery (two adjacent literals, refused) or Spark (two
 * adjacent literals, concatenated: the quote is silently lost).
 */
function backslashLiteral(value: string): string {
  const escaped = value
    .replaceAll("\\", "\\\\")
    .replaceAll("'", "\\'")
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r");
  return `'${escaped}'`;
}

export const dialects: Record<DialectName, Dialect> = {
  duckdb: {
    name: "duckdb",
    stringLiteral: standardLiteral,
    types: standardTypes,
    day: (ms) => `(${ms} // 86400000)`,
    floor: (x) => `FLOOR(${x})`,
    segmentRows: (from) =>
      `SELECT experiment, phase, visitor, variant, counted, UNNEST(from_json(segments, '["VARCHAR"]')) AS grp FROM ${from}`,
  },
  sqlite: {
    name: "sqlite",
    stringLiteral: standardLiteral,
    types: { text: "TEXT", integer: "INTEGER", double: "REAL" },
    // Integer division of a positive integer is its floor; SQLite's FLOOR needs the optional math functions.
    day: (ms) => `(${ms} / 86400000)`,
    floor: (x) => `CAST(${x} AS INTEGER)`,
    segmentRows: (from) =>
      `SELECT f.experiment, f.phase, f.visitor, f.variant, f.counted, j.value AS grp FROM ${from} f, json_each(f.segments) j`,
  },
  bigquery: {
    name: "bigquery",
    stringLiteral: backslashLiteral,
    types: { text: "STRING", integer: "INT64", double: "FLOAT64" },
    day: (ms) => `DIV(${ms}, 86400000)`,
    floor: (x) => `CAST(FLOOR(${x}) AS INT64)`,
    segmentRows: (from) =>
      `SELECT f.experiment, f.phase, f.visitor, f.variant, f.counted, grp FROM ${from} f CROSS JOIN UNNEST(JSON_VALUE_ARRAY(f.segments)) AS grp`,
  },
  trino: {
    name: "trino",
    stringLiteral: standardLiteral,
    types: standardTypes,
    // Trino's division of two BIGINTs truncates, which is the floor for positive values.
    day: (ms) => `(${ms} / 86400000)`,
    floor: (x) => `FLOOR(${x})`,
    segmentRows: (from) =>
      `SELECT f.experiment, f.phase, f.visitor, f.variant, f.counted, t.grp FROM ${from} f CROSS JOIN UNNEST(CAST(json_parse(f.segments) AS ARRAY(VARCHAR))) AS t (grp)`,
  },
  spark: {
    name: "spark",
    stringLiteral: backslashLiteral,
    types: { text: "STRING", integer: "BIGINT", double: "DOUBLE" },
    day: (ms) => `FLOOR(${ms} / 86400000)`,
    floor: (x) => `FLOOR(${x})`,
    segmentRows: (from) =>
      `SELECT experiment, phase, visitor, variant, counted, explode(from_json(segments, 'array<string>')) AS grp FROM ${from}`,
  },
  snowflake: {
    name: "snowflake",
    stringLiteral: backslashLiteral,
    // BIGINT is NUMBER(38,0) and DOUBLE is FLOAT there; unquoted names come back upper-cased, which --stats accepts.
    types: standardTypes,
    // Snowflake's `/` of two integers is exact (a NUMBER with decimals), never integer division.
    day: (ms) => `FLOOR(${ms} / 86400000)`,
    floor: (x) => `FLOOR(${x})`,
    segmentRows: (from) =>
      `SELECT f.experiment, f.phase, f.visitor, f.variant, f.counted, s.value::VARCHAR AS grp FROM ${from} f, LATERAL FLATTEN(input => PARSE_JSON(f.segments)) s`,
  },
  clickhouse: {
    name: "clickhouse",
    stringLiteral: backslashLiteral,
    // A NULL only casts to a Nullable type; the columns are nullable in the result anyway.
    types: { text: "Nullable(String)", integer: "Nullable(Int64)", double: "Nullable(Float64)" },
    // `/` is always Float64 there; intDiv is the integer floor for positive values.
    day: (ms) => `intDiv(${ms}, 86400000)`,
    floor: (x) => `toInt64(floor(${x}))`,
    segmentRows: (from) =>
      `SELECT f.experiment, f.phase, f.visitor, f.variant, f.counted, grp FROM ${from} AS f ARRAY JOIN JSONExtract(COALESCE(f.segments, '[]'), 'Array(String)') AS grp`,
    castEveryColumn: true,
    equiJoinsOnly: true,
    orderInSubquery: true,
    // join_use_nulls: an unmatched LEFT JOIN row gets NULLs (ClickHouse's default fills 0 and ''), which the query
    // tests for. prefer_column_name_to_alias: `MAX(valued) AS valued` reads the column, as in standard SQL, instead
    // of its own alias. aggregate_functions_null_for_empty: MIN(ts) over no exposures is NULL, not 0, so no
    // conversion is read from the epoch on.
    settings:
      "SETTINGS join_use_nulls = 1, prefer_column_name_to_alias = 1, aggregate_functions_null_for_empty = 1",
  },
};
