import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuckDB, sqlString } from "../../src/cli/archive/duckdb-archive.ts";
import { DIALECTS } from "../../src/report/sql/dialects.ts";
import { writeArchive } from "../support/archive-events.ts";
import { differences } from "../support/close-reports.ts";
import { edgeTraffic } from "../support/report-sql-events.ts";
import { runCli } from "../support/run-cli.ts";

/**
 * The heavy part on the user's engine: `stylist report --sql duckdb` prints the statistics query, DuckDB runs it on
 * the Parquet archive and exports the rows (CSV, and JSON lines), and `stylist report --stats` makes the same report
 * as `stylist report --events` on the same files, computed in SQL or streamed.
 */
const dir = mkdtempSync(join(tmpdir(), "stylist-report-sql-"));
const glob = join(dir, "archive", "**", "*.parquet");
const OPTIONS = ["--window", "1d", "--by", "segment", "--cap-revenue", "95", "--cuped", "2d"];

beforeAll(() => {
  writeArchive(join(dir, "archive"), edgeTraffic({ visitors: 400, seed: 7, ties: true }), 200, 0.3);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The report without what names its source and time of making. */
function figures(stdout: string) {
  const { generatedAt: _at, source: _source, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
}

describe("stylist report --sql and --stats", { timeout: 300_000 }, () => {
  it("gives the direct report when DuckDB runs the printed query and its rows come back as CSV or JSON", async () => {
    const printed = await runCli(["report", "--sql", "duckdb", "--events", glob, ...OPTIONS]);
    expect(printed.stderr).toBe("");
    expect(printed.code).toBe(0);
    const query = printed.stdout.trim().replace(/;$/, "");
    const csv = join(dir, "stats.csv");
    const json = join(dir, "stats.json");
    const duck = await openDuckDB();
    try {
      await duck.connection.run(`COPY (${query}) TO ${sqlString(csv)} (HEADER, DELIMITER ',')`);
      await duck.connection.run(`COPY (${query}) TO ${sqlString(json)} (FORMAT JSON)`);
    } finally {
      duck.close();
    }
    const direct = await runCli(["report", "--events", glob, ...OPTIONS, "--dir", "rules", "--json"]);
    const streamed = await runCli([
      "report",
      "--events",
      glob,
      ...OPTIONS,
      "--compute",
      "stream",
      "--dir",
      "rules",
      "--json",
    ]);
    const fromCsv = await runCli(["report", "--stats", csv, "--dir", "rules", "--json"]);
    const fromJson = await runCli(["report", "--stats", json, "--dir", "rules", "--json"]);
    for (const result of [direct, streamed, fromCsv, fromJson]) expect(result.stderr + result.code).toBe("0");
    const expected = figures(direct.stdout);
    expect((expected.experiments as unknown[]).length).toBeGreaterThan(0);
    expect(differences(figures(streamed.stdout), expected)).toEqual([]);
    expect(differences(figures(fromCsv.stdout), expected)).toEqual([]);
    expect(differences(figures(fromJson.stdout), expected)).toEqual([]);
  });

  it("prints the query for every engine, with the options as literals and a header row naming them", async () => {
    for (const dialect of DIALECTS) {
      const printed = await runCli(["report", "--sql", dialect, "--table", "shop.events", "--window", "7d"]);
      expect(printed.code).toBe(0);
      expect(printed.stdout).toContain("FROM shop.events");
      expect(printed.stdout).toContain("ts <= first_ts + 604800000");
      expect(printed.stdout).toContain('"windowMs":604800000');
    }
  });

  it("refuses options that would change rows already computed, and rows that are not the query's", async () => {
    const stats = join(dir, "not-stats.csv");
    writeFileSync(stats, "kind,experiment\nquery,\n");
    const withWindow = await runCli(["report", "--stats", stats, "--window", "7d"]);
    expect(withWindow.code).not.toBe(0);
    expect(withWindow.stderr).toMatch(/--window cannot change them \(print the query again with --sql\)/);
    const bad = await runCli(["report", "--stats", stats, "--dir", "rules"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/row 1: options is missing/);
    const unknownDialect = await runCli(["report", "--sql", "oracle"]);
    expect(unknownDialect.stderr).toMatch(/--sql takes duckdb, sqlite, bigquery, trino, spark/);
  });
});
