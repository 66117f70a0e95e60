import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveRelation, openDuckDB, sqlString } from "../../../../src/cli/archive/duckdb-archive.ts";
import { readStatsFile } from "../../../../src/cli/archive/stats-file.ts";
import { type StatsQueryOptions, statsQuery } from "../../../../src/report/sql/stats-query.ts";
import { resultOfStatsRows } from "../../../../src/report/sql/stats-rows.ts";
import { writeArchive } from "../../../support/archive-events.ts";
import { edgeTraffic } from "../../../support/report-sql-events.ts";

/**
 * `stylist report --stats` takes the statistics rows as each engine hands them back, and makes the same result as
 * from the rows DuckDB returns directly: Snowflake's upper-cased column names, NUMBER(38,0) as Parquet decimals and
 * `\N` for NULL in its CSV unloads, JSON objects without their NULL keys (OBJECT_CONSTRUCT); ClickHouse's CSVWithNames
 * (quoted strings, unquoted `\N`), TSVWithNames (backslash escapes), JSONEachRow (64-bit integers as strings), its
 * `FORMAT JSON` document, and Parquet with String columns as binary. The files are written here in those shapes
 * (no Snowflake or ClickHouse runs here); the figures come from DuckDB running the printed query on an archive.
 */
const SLOW = 120_000;
const dir = mkdtempSync(join(tmpdir(), "stylist-stats-file-"));
const OPTIONS: StatsQueryOptions = {
  crossovers: "first-exposure",
  by: "segment",
  capPercentile: 0.95,
  cuped: { lookback: "2d", lookbackMs: 2 * 86_400_000 },
  windowMs: 86_400_000,
};

let query = "";
let rows: Record<string, unknown>[] = [];
let types = new Map<string, string>();

beforeAll(async () => {
  writeArchive(join(dir, "archive"), edgeTraffic({ visitors: 300, seed: 5, ties: true }), 200, 0.3);
  query = statsQuery("duckdb", archiveRelation(join(dir, "archive", "**", "*.parquet")), OPTIONS);
  const duck = await openDuckDB();
  try {
    rows = (await duck.connection.runAndReadAll(query)).getRowObjectsJS() as Record<string, unknown>[];
    const described = (await duck.connection.runAndReadAll(`DESCRIBE (${query})`)).getRowObjectsJS();
    types = new Map(described.map((row) => [String(row.column_name), String(row.column_type)]));
  } finally {
    duck.close();
  }
}, SLOW);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const columns = () => [...types.keys()];
const isText = (column: string) => types.get(column) === "VARCHAR";
const isInteger = (column: string) => /^(BIGINT|HUGEINT|INTEGER)$/.test(types.get(column) ?? "");

function written(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function csvField(value: unknown, text: boolean, nullMark: string, quoteText: boolean): string {
  if (value === null || value === undefined) return nullMark;
  const string = String(value);
  return text && (quoteText || /[",\n]/.test(string)) ? `"${string.replaceAll('"', '""')}"` : string;
}

async function copied(name: string, select: string): Promise<string> {
  const file = join(dir, name);
  const duck = await openDuckDB();
  try {
    await duck.connection.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT PARQUET)`);
  } finally {
    duck.close();
  }
  return file;
}

async function resultFrom(file: string) {
  return resultOfStatsRows(await readStatsFile(file));
}

describe("--stats rows as the engines return them", () => {
  it(
    "Snowflake: upper-case names in CSV with \\N for NULL, JSON without NULL keys, Parquet with decimals",
    async () => {
      const expected = resultOfStatsRows(rows);
      expect(expected.result.segments.length).toBeGreaterThan(0);
      const header = columns().map((column) => column.toUpperCase());
      const csv = [
        header.join(","),
        ...rows.map((row) =>
          columns()
            .map((c) => csvField(row[c], isText(c), "\\N", false))
            .join(","),
        ),
      ].join("\n");
      const ndjson = rows
        .map((row) =>
          JSON.stringify(
            Object.fromEntries(
              columns()
                .filter((c) => row[c] !== null && row[c] !== undefined)
                .map((c) => [c.toUpperCase(), typeof row[c] === "bigint" ? Number(row[c]) : row[c]]),
            ),
          ),
        )
        .join("\n");
      const parquet = await copied(
        "snowflake.parquet",
        `SELECT ${columns()
          .map((c) =>
            isInteger(c)
              ? `CAST(${c} AS DECIMAL(38,0)) AS "${c.toUpperCase()}"`
              : `${c} AS "${c.toUpperCase()}"`,
          )
          .join(", ")} FROM (${query})`,
      );
      for (const file of [written("snowflake.csv", csv), written("snowflake.json", ndjson), parquet])
        expect(await resultFrom(file), file).toEqual(expected);
    },
    SLOW,
  );

  it(
    "ClickHouse: CSVWithNames, TSVWithNames, JSONEachRow with quoted Int64, FORMAT JSON, Parquet with binary strings",
    async () => {
      const expected = resultOfStatsRows(rows);
      const csv = [
        columns().join(","),
        ...rows.map((row) =>
          columns()
            .map((c) => csvField(row[c], isText(c), "\\N", true))
            .join(","),
        ),
      ].join("\n");
      const tsvField = (value: unknown) =>
        value === null || value === undefined
          ? "\\N"
          : String(value).replaceAll("\\", "\\\\").replaceAll("\t", "\\t").replaceAll("\n", "\\n");
      const tsv = [
        columns().join("\t"),
        ...rows.map((row) =>
          columns()
            .map((c) => tsvField(row[c]))
            .join("\t"),
        ),
      ].join("\n");
      const clickhouseValue = (c: string, value: unknown) =>
        value === null || value === undefined ? null : isInteger(c) ? String(value) : value;
      const objects = rows.map((row) =>
        Object.fromEntries(columns().map((c) => [c, clickhouseValue(c, row[c])])),
      );
      const eachRow = objects.map((object) => JSON.stringify(object)).join("\n");
      const document = JSON.stringify({
        meta: columns().map((c) => ({ name: c, type: "Nullable(String)" })),
        data: objects,
        rows: objects.length,
        statistics: { elapsed: 0.01, rows_read: 1000, bytes_read: 10_000 },
      });
      const parquet = await copied(
        "clickhouse.parquet",
        `SELECT ${columns()
          .map((c) => (isText(c) ? `CAST(${c} AS BLOB) AS ${c}` : c))
          .join(", ")} FROM (${query})`,
      );
      for (const file of [
        written("clickhouse.csv", csv),
        written("clickhouse.tsv", tsv),
        written("clickhouse.ndjson", eachRow),
        written("clickhouse.json", document),
        parquet,
      ])
        expect(await resultFrom(file), file).toEqual(expected);
    },
    SLOW,
  );

  it("keeps a quoted \\N as text, and refuses a column named twice in different cases", async () => {
    const rowsRead = await readStatsFile(written("quoted.csv", 'kind,options\nquery,"\\N"\ninput,\\N\n'));
    expect(rowsRead).toEqual([
      { kind: "query", options: "\\N" },
      { kind: "input", options: null },
    ]);
    await expect(readStatsFile(written("twice.json", '[{"kind":"query","KIND":"query"}]'))).rejects.toThrow(
      /the column kind twice/,
    );
  });
});
