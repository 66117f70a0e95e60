import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveRelation, openDuckDB } from "../../../../src/cli/archive/duckdb-archive.ts";
import { DIMENSIONS } from "../../../../src/report/segment.ts";
import { type Dialect, dialects } from "../../../../src/report/sql/dialects.ts";
import { type StatsQueryOptions, statsQuery } from "../../../../src/report/sql/stats-query.ts";
import { resultOfStatsRows } from "../../../../src/report/sql/stats-rows.ts";
import { writeArchive } from "../../../support/archive-events.ts";
import { edgeTraffic } from "../../../support/report-sql-events.ts";

/**
 * ClickHouse's query is shaped differently from the others (every column cast, range conditions in WHERE instead of
 * JOIN … ON, a CROSS JOIN for the start time, the union ordered as a subquery) and divides with its own functions.
 * No ClickHouse runs here, so that shape and those day and floor spellings (intDiv and toInt64 defined as DuckDB
 * macros) are run on DuckDB, with DuckDB's types and unnesting, and must give exactly the rows of DuckDB's own query
 * on an archive built to hit each rule's edge; so must Snowflake's and Spark's FLOOR of an exact division.
 */
const SLOW = 180_000;
const dir = mkdtempSync(join(tmpdir(), "stylist-dialect-structure-"));
let source = "";

beforeAll(() => {
  writeArchive(join(dir, "archive"), edgeTraffic({ visitors: 300, seed: 9, ties: true }), 150, 0.3);
  source = archiveRelation(join(dir, "archive", "**", "*.parquet"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clickhouseShaped: Dialect = {
  ...dialects.duckdb,
  day: dialects.clickhouse.day,
  floor: dialects.clickhouse.floor,
  castEveryColumn: dialects.clickhouse.castEveryColumn,
  equiJoinsOnly: dialects.clickhouse.equiJoinsOnly,
  orderInSubquery: dialects.clickhouse.orderInSubquery,
};

const OPTION_SETS: StatsQueryOptions[] = [
  { crossovers: "first-exposure" },
  { crossovers: "exclude", windowMs: 2 * 3_600_000, capPercentile: 0.9 },
  { crossovers: "first-exposure", cuped: { lookback: "1d", lookbackMs: 86_400_000 }, windowMs: 86_400_000 },
  ...DIMENSIONS.map((by): StatsQueryOptions => ({ crossovers: "first-exposure", by, capPercentile: 0.95 })),
];

const CLICKHOUSE_FUNCTIONS = [
  "CREATE MACRO intDiv(a, b) AS a // b",
  "CREATE MACRO toInt64(x) AS CAST(x AS BIGINT)",
];

describe("ClickHouse's query shape", () => {
  it(
    "computes the same rows as the plain shape, run on DuckDB, with every option",
    async () => {
      expect(
        clickhouseShaped.castEveryColumn &&
          clickhouseShaped.equiJoinsOnly &&
          clickhouseShaped.orderInSubquery,
      ).toBe(true);
      const duck = await openDuckDB();
      try {
        for (const macro of CLICKHOUSE_FUNCTIONS) await duck.connection.run(macro);
        for (const options of OPTION_SETS) {
          const shaped = statsQuery(clickhouseShaped, source, options);
          expect(shaped).toContain("intDiv(first_ts, 86400000)");
          expect(shaped).toContain("CROSS JOIN start_at s");
          const rowsOf = async (sql: string) =>
            (await duck.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
          const plainRows = await rowsOf(statsQuery("duckdb", source, options));
          const shapedRows = await rowsOf(shaped);
          expect(shapedRows.length, JSON.stringify(options)).toBeGreaterThan(5);
          expect(shapedRows, JSON.stringify(options)).toEqual(plainRows);
          expect(resultOfStatsRows(shapedRows)).toEqual(resultOfStatsRows(plainRows));
        }
      } finally {
        duck.close();
      }
    },
    SLOW,
  );
});

describe("Snowflake's and Spark's day and floor spellings", () => {
  it(
    "give DuckDB's result, run on DuckDB",
    async () => {
      const duck = await openDuckDB();
      try {
        for (const name of ["snowflake", "spark"] as const) {
          const spelled: Dialect = {
            ...dialects.duckdb,
            day: dialects[name].day,
            floor: dialects[name].floor,
          };
          for (const options of OPTION_SETS) {
            const rowsOf = async (sql: string) =>
              (await duck.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
            const plain = resultOfStatsRows(await rowsOf(statsQuery("duckdb", source, options)));
            expect(resultOfStatsRows(await rowsOf(statsQuery(spelled, source, options))), name).toEqual(
              plain,
            );
          }
        }
      } finally {
        duck.close();
      }
    },
    SLOW,
  );
});
