import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { archiveRelation, openDuckDB } from "../../../../src/cli/archive/duckdb-archive.ts";
import { generatedTraffic, writeArchive } from "../../../support/archive-events.ts";
import { aggregatedPurchases, queriedPurchases } from "../../../support/arm-purchases.ts";
import { ROOT } from "../../../support/run-cli.ts";
import { type Engine, grammarsOf, nodeSqlParserErrors, syntaxErrors } from "../../../support/sql-grammars.ts";

/**
 * docs/analytics.md's example queries for the engines that do not run here parse in those engines' grammars, as
 * printed; Spark's, whose spelling DuckDB also accepts, runs on a generated archive and gives the report's
 * aggregator's visitors, converters and revenue per arm. (The DuckDB block is run in archive-queries.test.ts.)
 */
const SLOW = 120_000;
const dir = mkdtempSync(join(tmpdir(), "stylist-example-dialects-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first ```sql block under a `### heading` of docs/analytics.md. */
function documentedBlock(heading: string): string {
  const doc = readFileSync(join(ROOT, "docs", "analytics.md"), "utf8");
  const at = doc.indexOf(`\n### ${heading}`);
  if (at < 0) throw new Error(`docs/analytics.md has no "### ${heading}" section`);
  const section = doc.slice(at + 1).split(/\n##+ /)[0] as string;
  const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`docs/analytics.md's ${heading} section has no sql block`);
  return block;
}

/**
 * Grammars that lack a construct an example uses, each with that construct alone, which the test shows they refuse
 * (so the skip is a parser's gap, not a query's fault), while the engine's other grammars parse the whole block.
 */
const GAPS: Record<string, { construct: string; database: string }> = {
  // Hive's names have two parts; Spark 3 addresses an Iceberg catalog as catalog.namespace.table.
  "node-sql-parser hive": { construct: "SELECT * FROM r2.stylist.events", database: "hive" },
  // BigQuery documents ARRAY_AGG(x ORDER BY y LIMIT n); node-sql-parser's BigQuery grammar has no ORDER BY there.
  "node-sql-parser bigquery": {
    construct: "SELECT ARRAY_AGG(variant ORDER BY ts LIMIT 1)[OFFSET(0)] AS variant FROM t",
    database: "bigquery",
  },
};

const BLOCKS: [heading: string, engines: Engine[]][] = [
  // "The same query as Spark's runs in Trino": checked in Trino's grammar too.
  ["Spark SQL", ["spark", "trino"]],
  ["Trino", ["trino"]],
  ["BigQuery", ["bigquery"]],
  ["Snowflake", ["snowflake"]],
  ["ClickHouse", ["clickhouse"]],
];

describe("the documented example queries of the other engines", () => {
  for (const [heading, engines] of BLOCKS)
    it(`parse as printed: ${heading} in ${engines.join(" and ")}`, async () => {
      const sql = documentedBlock(heading);
      for (const engine of engines) {
        expect(
          grammarsOf(engine).filter((grammar) => !(grammar in GAPS)),
          engine,
        ).not.toEqual([]);
        expect(await syntaxErrors(engine, sql, Object.keys(GAPS)), engine).toEqual([]);
      }
    });

  it("skips a grammar only where it refuses the construct alone", async () => {
    for (const { construct, database } of Object.values(GAPS))
      expect(await nodeSqlParserErrors(database, construct), construct).not.toEqual([]);
  });

  it(
    "Spark's gives the aggregator's visitors, converters and revenue per arm when DuckDB runs it",
    async () => {
      const events = generatedTraffic(500, 23);
      writeArchive(dir, events, 120, 0.3);
      const spark = documentedBlock("Spark SQL");
      expect(spark).toContain("FROM r2.stylist.events");
      const duck = await openDuckDB();
      let rows: Record<string, unknown>[];
      try {
        const sql = spark.replace("FROM r2.stylist.events", `FROM ${archiveRelation(join(dir, "events"))}`);
        rows = (await duck.connection.runAndReadAll(sql.replace(/;\s*$/, ""))).getRowObjectsJS();
      } finally {
        duck.close();
      }
      const expected = await aggregatedPurchases(dir);
      expect(queriedPurchases(rows, "funnel_purchase")).toEqual(expected);
      expect(expected.some((row) => row.revenue > 0)).toBe(true);
    },
    SLOW,
  );
});
