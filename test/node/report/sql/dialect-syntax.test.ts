import { DatabaseSync } from "node:sqlite";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openDuckDB } from "../../../../src/cli/archive/duckdb-archive.ts";
import { DIMENSIONS } from "../../../../src/report/segment.ts";
import { DIALECTS, type DialectName, dialects } from "../../../../src/report/sql/dialects.ts";
import { type StatsQueryOptions, statsQuery } from "../../../../src/report/sql/stats-query.ts";
import { grammarsOf, nodeSqlParserErrors, syntaxErrors } from "../../../support/sql-grammars.ts";

/**
 * The printed statistics query parses in each warehouse's grammar (test/support/sql-grammars.ts says which parser
 * stands for which engine), with every option. DuckDB's and SQLite's text are also executed against data in the
 * equivalence suite (sql-equivalence.test.ts); the others have no local engine here, so this is their check, and
 * ClickHouse's — whose only parser is permissive — is also held to its engine's rules construct by construct.
 */
const SLOW = 60_000;

const OPTION_SETS: StatsQueryOptions[] = [
  { crossovers: "first-exposure" },
  { crossovers: "exclude", experiment: "home-hero's", phase: 2, window: "7d", windowMs: 604_800_000 },
  {
    crossovers: "first-exposure",
    capPercentile: 0.99,
    cuped: { lookback: "28d", lookbackMs: 2_419_200_000 },
  },
  ...DIMENSIONS.map((by): StatsQueryOptions => ({ crossovers: "first-exposure", by, capPercentile: 0.95 })),
  {
    crossovers: "exclude",
    periodGroups: true,
    windowMs: 1_000,
    cuped: { lookback: "1d", lookbackMs: 86_400_000 },
  },
];

describe("the statistics query in each engine's dialect", () => {
  for (const dialect of DIALECTS)
    it(
      `parses as ${dialect} SQL with every option (${grammarsOf(dialect).join("; ")})`,
      async () => {
        for (const options of OPTION_SETS) {
          const sql = statsQuery(dialect, "shop.events", options);
          expect(await syntaxErrors(dialect, sql), JSON.stringify(options)).toEqual([]);
        }
      },
      SLOW,
    );

  it("is refused by the grammars when it is another engine's spelling, so a pass means something", async () => {
    const duckdb = statsQuery("duckdb", "shop.events", { crossovers: "first-exposure" });
    // DuckDB's `//` integer division is no operator in Trino, Spark, Snowflake or ClickHouse.
    for (const engine of ["trino", "spark", "snowflake", "clickhouse"] as const)
      expect((await syntaxErrors(engine, duckdb)).length, engine).toBeGreaterThan(0);
    const truncated = statsQuery("clickhouse", "shop.events", { crossovers: "first-exposure" }).replace(
      /\)\s*stats\s*ORDER BY[\s\S]*$/,
      "",
    );
    expect((await syntaxErrors("clickhouse", truncated)).length).toBeGreaterThan(0);
  });

  it("Trino's --by segment query is Trino SQL: node-sql-parser's Trino grammar lacks ARRAY(type), Trino's own accepts it", async () => {
    const sql = statsQuery("trino", "shop.events", { crossovers: "first-exposure", by: "segment" });
    expect(sql).toContain("CAST(json_parse(f.segments) AS ARRAY(VARCHAR))");
    expect(await syntaxErrors("trino", sql)).toEqual([]);
    // The gap is the parser's: the same cast alone, as Trino documents it for a JSON array, is refused.
    expect(
      await nodeSqlParserErrors("trino", "SELECT CAST(json_parse('[\"a\"]') AS ARRAY(VARCHAR)) AS a"),
    ).not.toEqual([]);
  });

  it("writes a string option as each engine's own constant, which no quote, backslash or line break can end", async () => {
    // A backslash before a quote: doubling the quote alone lets a backslash-escaping engine (BigQuery, Spark,
    // Snowflake, ClickHouse) end the literal there and run what follows.
    const experiment = "a\\'; DROP TABLE x; --\nb";
    const standard = "experiment = 'a\\''; DROP TABLE x; --\nb'";
    const backslashed = "experiment = 'a\\\\\\'; DROP TABLE x; --\\nb'";
    const styles: Record<DialectName, string> = {
      duckdb: standard,
      sqlite: standard,
      trino: standard,
      bigquery: backslashed,
      spark: backslashed,
      snowflake: backslashed,
      clickhouse: backslashed,
    };
    for (const dialect of DIALECTS) {
      const sql = statsQuery(dialect, "shop.events", { crossovers: "first-exposure", experiment });
      expect(sql, dialect).toContain(styles[dialect]);
      // node-sql-parser's SQLite grammar takes a backslash as an escape, which SQLite does not (checked below).
      expect(await syntaxErrors(dialect, sql, ["node-sql-parser sqlite"]), dialect).toEqual([]);
    }
  });

  it("reads any string back whole in the engines that run here (SQLite, DuckDB)", async () => {
    const sqlite = new DatabaseSync(":memory:");
    const duck = await openDuckDB();
    try {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 40 }), async (value) => {
          const back = sqlite.prepare(`SELECT ${dialects.sqlite.stringLiteral(value)} AS v`).get() as {
            v: string;
          };
          expect(back.v).toBe(value);
          const rows = (
            await duck.connection.runAndReadAll(`SELECT ${dialects.duckdb.stringLiteral(value)} AS v`)
          ).getRowObjectsJS();
          expect(rows[0]?.v).toBe(value);
        }),
        { numRuns: 200, examples: [["a\\'; DROP TABLE x; --\nb"], ["\\"], ["''"]] },
      );
    } finally {
      duck.close();
      sqlite.close();
    }
  });
});

function clickhouse(options: StatsQueryOptions): string {
  return statsQuery("clickhouse", "shop.events", options);
}

/** The SELECT list of every branch of the final UNION ALL. */
function branchSelects(sql: string): string[] {
  return sql
    .slice(sql.indexOf("SELECT * FROM (\n"))
    .split("\nUNION ALL\n")
    .map((branch) => branch.replace("SELECT * FROM (\n", ""))
    .map((branch) => branch.slice(0, branch.indexOf("\n")));
}

describe("ClickHouse's spelling, construct by construct", () => {
  const all: StatsQueryOptions[] = OPTION_SETS;

  it("turns on NULLs for unmatched LEFT JOIN rows and standard name resolution, for the whole query", () => {
    for (const options of all) {
      const sql = clickhouse(options);
      // Without join_use_nulls an unmatched row reads 0 and '', so `x.visitor IS NULL` (never-exposed buyers) and
      // `cp.cap IS NOT NULL` (no cap for the goal) would be wrong; the query relies on both.
      // aggregate_functions_null_for_empty: MIN(ts) over no exposures must be NULL, as in standard SQL, not 0.
      expect(sql).toMatch(
        /\nSETTINGS join_use_nulls = 1, prefer_column_name_to_alias = 1, aggregate_functions_null_for_empty = 1$/,
      );
      expect(sql).toContain("start_at AS (SELECT MIN(first_ts)");
      expect(sql).toContain("x.visitor IS NULL");
    }
  });

  it("casts every output column to one Nullable type, so UNION ALL has a common type", () => {
    for (const options of all)
      for (const select of branchSelects(clickhouse(options))) {
        const columns = select.replace(/^SELECT /, "").split(/ AS [a-z_]+(?:, |$)/);
        for (const column of columns.filter(Boolean))
          expect(column, select.slice(0, 120)).toMatch(
            /^CAST\(.*\) *$|^CAST\(.* AS Nullable\((String|Int64|Float64)\)$/,
          );
        expect(select).not.toMatch(/CAST\([^()]* AS (VARCHAR|BIGINT|DOUBLE|String|Int64|Float64)\)/);
      }
  });

  it("has only equalities between the two sides in every JOIN … ON, the ranges in WHERE", () => {
    for (const options of all) {
      const sql = clickhouse(options);
      for (const on of sql.matchAll(/ ON (.*?)(?=\)|\n| WHERE | LEFT JOIN | JOIN |$)/g))
        for (const condition of (on[1] as string).split(" AND "))
          expect(condition.trim(), on[0]).toMatch(/^[a-z]+\.[a-z_]+ = [a-z]+\.[a-z_]+$/);
      expect(sql).toContain("CROSS JOIN start_at s");
    }
    // Conversions meet visitors on the visitor alone; the window filters the joined rows.
    const windowed = clickhouse({ crossovers: "first-exposure", windowMs: 60_000 });
    expect(windowed).toContain("FROM firsts f JOIN ranked_conversions c ON c.visitor = f.visitor)");
    expect(windowed).toContain(
      "FROM visits WHERE order_rank = 1 AND ts >= first_ts AND ts <= first_ts + 60000)",
    );
  });

  it("divides with intDiv and floors to an integer, never with `/` (always Float64 there)", () => {
    const sql = clickhouse({ crossovers: "first-exposure", capPercentile: 0.9 });
    expect(sql).toContain("intDiv(first_ts, 86400000)");
    expect(sql).toContain("toInt64(floor((n - 1) * CAST(0.9 AS Nullable(Float64))))");
    // Outside the leading comment and string literals (the options row's JSON names "stylist.stats/1").
    const code = sql.replace(/^--.*\n/, "").replace(/'(?:[^']|'')*'/g, "''");
    expect(code).not.toContain("/");
  });

  it("unnests the segments with ARRAY JOIN over JSONExtract, treating NULL as no segment", () => {
    expect(clickhouse({ crossovers: "first-exposure", by: "segment" })).toContain(
      "FROM firsts AS f ARRAY JOIN JSONExtract(COALESCE(f.segments, '[]'), 'Array(String)') AS grp",
    );
  });

  it("orders the whole union from outside, since its ORDER BY would bind to the last branch", () => {
    const sql = clickhouse({ crossovers: "first-exposure" });
    expect(sql).toMatch(
      /\n\) stats\nORDER BY kind, experiment, phase, variant, grp, goal, currency, day\nSETTINGS/,
    );
  });
});

describe("Snowflake's spelling", () => {
  const sql = (options: StatsQueryOptions) =>
    statsQuery("snowflake" satisfies DialectName, "db.s.events", options);

  it("floors its exact division to day numbers and flattens the segments with LATERAL FLATTEN", () => {
    expect(sql({ crossovers: "first-exposure" })).toContain("FLOOR(first_ts / 86400000)");
    expect(sql({ crossovers: "first-exposure", by: "segment" })).toContain(
      "s.value::VARCHAR AS grp FROM firsts f, LATERAL FLATTEN(input => PARSE_JSON(f.segments)) s",
    );
  });
});
