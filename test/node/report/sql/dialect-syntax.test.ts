import { Parser } from "node-sql-parser";
import { describe, expect, it } from "vitest";
import { DIMENSIONS } from "../../../../src/report/segment.ts";
import type { DialectName } from "../../../../src/report/sql/dialects.ts";
import { type StatsQueryOptions, statsQuery } from "../../../../src/report/sql/stats-query.ts";

/**
 * The printed statistics query parses in each warehouse's grammar (node-sql-parser: BigQuery, Trino, Hive for Spark
 * SQL, SQLite), with every option. DuckDB's and SQLite's text are also executed against data in the equivalence
 * suite (sql-equivalence.test.ts); the others have no local engine here, so this is their check.
 */
const GRAMMARS: [DialectName, string][] = [
  ["bigquery", "bigquery"],
  ["trino", "trino"],
  ["spark", "hive"],
  ["sqlite", "sqlite"],
];

const OPTION_SETS: StatsQueryOptions[] = [
  { crossovers: "first-exposure" },
  { crossovers: "exclude", experiment: "home-hero's", phase: 2, window: "7d", windowMs: 604_800_000 },
  {
    crossovers: "first-exposure",
    capPercentile: 0.99,
    cuped: { lookback: "28d", lookbackMs: 2_419_200_000 },
  },
  ...DIMENSIONS.map((by): StatsQueryOptions => ({ crossovers: "first-exposure", by, capPercentile: 0.95 })),
];

describe("the statistics query in each engine's dialect", () => {
  const parser = new Parser();
  for (const [dialect, grammar] of GRAMMARS)
    it(`parses as ${grammar} SQL with every option (${dialect})`, () => {
      for (const options of OPTION_SETS) {
        // node-sql-parser's Trino grammar has no ARRAY(VARCHAR) type, which Trino's own CAST of a JSON array needs.
        if (dialect === "trino" && options.by === "segment") continue;
        const sql = statsQuery(dialect, "shop.events", options);
        expect(() => parser.astify(sql, { database: grammar }), JSON.stringify(options)).not.toThrow();
      }
    });

  it("quotes a string option so it cannot end the literal", () => {
    const sql = statsQuery("bigquery", "shop.events", {
      crossovers: "first-exposure",
      experiment: "a'; DROP TABLE x; --",
    });
    expect(sql).toContain("experiment = 'a''; DROP TABLE x; --'");
  });
});
