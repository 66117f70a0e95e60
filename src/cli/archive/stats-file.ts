import { readFileSync } from "node:fs";
import type { StatsRow } from "../../report/sql/stats-rows.ts";
import { CLIError, EXIT } from "../errors.ts";
import { openDuckDB, sqlString } from "./duckdb-archive.ts";

/**
 * The rows a warehouse returned for `stylist report --sql`, saved as CSV (with a header), TSV (with a header, as
 * ClickHouse's TSVWithNames), JSON (an array of objects, one object a line as BigQuery, DuckDB, Snowflake and
 * ClickHouse's JSONEachRow export it, or ClickHouse's `FORMAT JSON` document) or Parquet. Whatever the engine:
 * column names in any case (Snowflake upper-cases unquoted names), `\N` for NULL (ClickHouse's CSV and TSV,
 * Snowflake's unloads), numbers as JSON strings (ClickHouse quotes 64-bit integers), text as Parquet binary
 * (ClickHouse's String). Values stay as written; the report's reader (src/report/sql/stats-rows.ts) checks each one.
 */

/** How ClickHouse, Snowflake, Hive and PostgreSQL write a NULL in CSV and TSV; a quoted "\N" stays text. */
const NULL_MARK = "\\N";

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF line ends. */
function parseCsv(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  const end = () => {
    record.push(!wasQuoted && field === NULL_MARK ? null : field);
    field = "";
    wasQuoted = false;
  };
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (char === ",") end();
    else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      end();
      records.push(record);
      record = [];
    } else field += char;
  }
  if (quoted) throw new Error("a quoted field is not closed");
  if (field !== "" || record.length > 0) {
    end();
    records.push(record);
  }
  return records.filter((row) => !(row.length === 1 && row[0] === ""));
}

const TSV_ESCAPES: Record<string, string> = {
  t: "\t",
  n: "\n",
  r: "\r",
  "0": "\0",
  "\\": "\\",
  "'": "'",
  b: "\b",
  f: "\f",
};

/** ClickHouse's TabSeparated: no quoting, backslash escapes, `\N` for NULL. */
function parseTsv(text: string): (string | null)[][] {
  return text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((line) => line !== "")
    .map((line) =>
      line
        .split("\t")
        .map((field) =>
          field === NULL_MARK
            ? null
            : field.replace(/\\(.)/g, (sequence, char: string) => TSV_ESCAPES[char] ?? sequence),
        ),
    );
}

function tableRows([header, ...records]: (string | null)[][]): StatsRow[] {
  if (!header) return [];
  return records.map((record, index) => {
    if (record.length !== header.length)
      throw new Error(`line ${index + 2} has ${record.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((name, at) => [name ?? "", record[at]]));
  });
}

function jsonRows(text: string): StatsRow[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) return JSON.parse(trimmed) as StatsRow[];
  // ClickHouse's FORMAT JSON: {"meta": [...], "data": [rows], "rows": n, ...}.
  if (trimmed.startsWith("{") && /^\{\s*"meta"\s*:/.test(trimmed)) {
    const document = JSON.parse(trimmed) as { data?: unknown };
    if (!Array.isArray(document.data)) throw new Error('a JSON document with "meta" but no "data" array');
    return document.data as StatsRow[];
  }
  return trimmed
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line, index) => {
      try {
        return JSON.parse(line) as StatsRow;
      } catch (error) {
        throw new Error(`line ${index + 1}: ${(error as Error).message}`);
      }
    });
}

async function parquetRows(file: string): Promise<StatsRow[]> {
  const duck = await openDuckDB();
  try {
    // ClickHouse writes String columns as plain binary; they are text here.
    const reader = await duck.connection.runAndReadAll(
      `SELECT * FROM read_parquet(${sqlString(file)}, binary_as_string = true)`,
    );
    return reader.getRowObjectsJS() as StatsRow[];
  } finally {
    duck.close();
  }
}

/** The query's column names are lower case; an engine may have changed their case, never their spelling. */
function withLowerCaseNames(rows: StatsRow[]): StatsRow[] {
  return rows.map((row, index) => {
    const named: StatsRow = {};
    for (const [name, value] of Object.entries(row)) {
      const lower = name.trim().toLowerCase();
      if (Object.hasOwn(named, lower))
        throw new Error(`row ${index + 1} has the column ${lower} twice, in different cases`);
      named[lower] = value;
    }
    return named;
  });
}

async function rowsOf(file: string): Promise<StatsRow[] | undefined> {
  if (/\.parquet$/i.test(file)) return parquetRows(file);
  if (/\.csv$/i.test(file)) return tableRows(parseCsv(readFileSync(file, "utf8")));
  if (/\.(tsv|tab)$/i.test(file)) return tableRows(parseTsv(readFileSync(file, "utf8")));
  if (/\.(json|ndjson|jsonl)$/i.test(file)) return jsonRows(readFileSync(file, "utf8"));
  return undefined;
}

export async function readStatsFile(file: string): Promise<StatsRow[]> {
  let rows: StatsRow[] | undefined;
  try {
    rows = await rowsOf(file);
    if (rows) return withLowerCaseNames(rows);
  } catch (error) {
    throw new CLIError(`--stats ${file}: ${(error as Error).message.split("\n")[0]}`, EXIT.invalid);
  }
  throw new CLIError(
    `--stats takes a .csv, .tsv, .json, .ndjson or .parquet file, not ${file}`,
    EXIT.invalid,
  );
}
