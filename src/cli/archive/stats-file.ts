import { readFileSync } from "node:fs";
import type { StatsRow } from "../../report/sql/stats-rows.ts";
import { CLIError, EXIT } from "../errors.ts";
import { openDuckDB, sqlString } from "./duckdb-archive.ts";

/**
 * The rows a warehouse returned for `stylist report --sql`, saved as CSV (with a header), JSON (an array of
 * objects, or one object a line as BigQuery and DuckDB export it) or Parquet. Values stay as written; the
 * report's reader (src/report/sql/stats-rows.ts) checks each one.
 */

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF line ends. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      record.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += char;
  }
  if (quoted) throw new Error("a quoted field is not closed");
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records.filter((row) => !(row.length === 1 && row[0] === ""));
}

function csvRows(text: string): StatsRow[] {
  const [header, ...records] = parseCsv(text);
  if (!header) return [];
  return records.map((record, index) => {
    if (record.length !== header.length)
      throw new Error(`line ${index + 2} has ${record.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((name, at) => [name.trim().toLowerCase(), record[at]]));
  });
}

function jsonRows(text: string): StatsRow[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) return JSON.parse(trimmed) as StatsRow[];
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
    const reader = await duck.connection.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file)})`);
    return reader.getRowObjectsJS() as StatsRow[];
  } finally {
    duck.close();
  }
}

export async function readStatsFile(file: string): Promise<StatsRow[]> {
  try {
    if (/\.parquet$/i.test(file)) return await parquetRows(file);
    const text = readFileSync(file, "utf8");
    if (/\.csv$/i.test(file)) return csvRows(text);
    if (/\.(json|ndjson|jsonl)$/i.test(file)) return jsonRows(text);
  } catch (error) {
    throw new CLIError(`--stats ${file}: ${(error as Error).message.split("\n")[0]}`, EXIT.invalid);
  }
  throw new CLIError(`--stats takes a .csv, .json, .ndjson or .parquet file, not ${file}`, EXIT.invalid);
}
