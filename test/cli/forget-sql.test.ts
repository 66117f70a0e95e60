import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  defaultErasureTable,
  ERASURE_ENGINES,
  erasureStatements,
} from "../../src/cli/archive/erasure-sql.ts";
import { runCli } from "../support/run-cli.ts";
import { erasureSyntaxErrors } from "../support/sql-grammars.ts";

/**
 * `stylist forget VISITOR --sql ENGINE` prints what erases a visitor where the CLI cannot reach (the Pipelines
 * sink's Iceberg table, a warehouse copy): a DELETE plus what makes the rows leave storage, in each engine's
 * grammar; and `forget` on the Pipelines sink prints Spark's statements instead of refusing.
 */
const VISITOR = "0123456789abcdef0123456789abcdef";
const NOW = new Date("2026-12-06T04:30:00.000Z");
const dir = mkdtempSync(join(tmpdir(), "stylist-forget-sql-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The statements without the `--` comment lines. */
function code(sql: string): string {
  return sql
    .split("\n")
    .filter((line) => !line.startsWith("--"))
    .join("\n")
    .trim();
}

describe("the erasure statements for each engine", () => {
  for (const engine of ERASURE_ENGINES)
    it(`parse in ${engine}'s grammar, with a two- and a three-part table name`, async () => {
      for (const table of [defaultErasureTable(engine), "shop.events", "lake.shop.events"]) {
        let sql = erasureStatements(engine, VISITOR, table, NOW);
        expect(sql).toContain(`DELETE WHERE visitor = '${VISITOR}'`.slice(engine === "clickhouse" ? 0 : 7));
        // ClickHouse's mutation is in no parser's grammar: held to the documented form
        // `ALTER TABLE [db.]table [ON CLUSTER cluster] DELETE WHERE filter_expr` here, the rest parsed.
        if (engine === "clickhouse") {
          expect(sql).toContain(`\nALTER TABLE ${table} DELETE WHERE visitor = '${VISITOR}';\n`);
          sql = sql.replace(/\nALTER TABLE [^\n]*\n/, "\n");
        }
        expect(await erasureSyntaxErrors(engine, code(sql)), `${engine} ${table}`).toEqual([]);
      }
    });

  it("make the rows leave storage, not only the current snapshot", () => {
    const spark = erasureStatements("spark", VISITOR, "r2.stylist.events", NOW);
    expect(spark).toContain(
      "CALL r2.system.rewrite_data_files(table => 'stylist.events', options => map('delete-file-threshold', '1'));",
    );
    // After the DELETE, whatever the session's time zone: every snapshot but the newest expires.
    expect(spark).toContain(
      "CALL r2.system.expire_snapshots(table => 'stylist.events', older_than => TIMESTAMP '2026-12-07T04:30:00Z', retain_last => 1);",
    );
    expect(erasureStatements("spark", VISITOR, "stylist.events", NOW)).toContain(
      "CALL system.expire_snapshots(table => 'stylist.events'",
    );
    const trino = erasureStatements("trino", VISITOR, "r2.stylist.events", NOW);
    expect(trino).toContain("ALTER TABLE r2.stylist.events EXECUTE optimize(file_size_threshold => '1TB');");
    expect(trino).toContain(
      "ALTER TABLE r2.stylist.events EXECUTE expire_snapshots(retention_threshold => '0s');",
    );
    expect(erasureStatements("clickhouse", VISITOR, "shop.events", NOW)).toContain("SET mutations_sync = 2;");
    expect(code(erasureStatements("clickhouse", VISITOR, "shop.events", NOW))).not.toMatch(/^DELETE FROM/m);
    for (const engine of ["snowflake", "bigquery"] as const)
      expect(erasureStatements(engine, VISITOR, "shop.events", NOW)).toMatch(/days|hours/);
  });

  it("are refused for a table name or visitor that could end the statement", () => {
    expect(() => erasureStatements("trino", VISITOR, "x; DROP TABLE y", NOW)).toThrow(/--table/);
    expect(() => erasureStatements("trino", "x' OR '1'='1", "x", NOW)).toThrow(/32 hex/);
  });
});

describe("stylist forget --sql and on the Pipelines sink", { timeout: 300_000 }, () => {
  it("prints each engine's statements, and refuses an engine it has none for", async () => {
    for (const engine of ERASURE_ENGINES) {
      const printed = await runCli(["forget", VISITOR, "--sql", engine, "--table", "lake.shop.events"]);
      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stdout).toContain(
        `-- stylist forget ${VISITOR} on ${engine}: every event of this visitor, from lake.shop.events.`,
      );
    }
    const duckdb = await runCli(["forget", VISITOR, "--sql", "duckdb"]);
    expect(duckdb.code).not.toBe(0);
    expect(duckdb.stderr).toContain("--sql takes spark, trino, snowflake, bigquery, clickhouse");
    const tableAlone = await runCli(["forget", VISITOR, "--table", "x"]);
    expect(tableAlone.stderr).toContain("--table goes with --sql ENGINE");
    const badTable = await runCli(["forget", VISITOR, "--sql", "spark", "--table", "x;y"]);
    expect(badTable.stderr).toContain("--table takes a table name");
  });

  it("on the Pipelines sink prints Spark's erasure for the Iceberg table instead of refusing", async () => {
    // A fresh local state: D1 without tables, as for a project that started on Pipelines.
    const forget = await runCli([
      "forget",
      VISITOR,
      "--sink",
      "pipelines",
      "--persist-to",
      join(dir, "state"),
    ]);
    expect(forget.code, forget.stderr).toBe(0);
    expect(forget.stdout).toContain(`DELETE FROM r2.stylist.events WHERE visitor = '${VISITOR}';`);
    expect(forget.stdout).toContain("CALL r2.system.expire_snapshots(table => 'stylist.events'");
    expect(forget.stdout).toContain(`stylist forget ${VISITOR} --sql trino`);
    expect(forget.stdout).toContain("D1 has no Stylist tables");
  });
});
