import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { ARCHIVE_COLUMNS } from "../../sink/archive-row.ts";
import { CLIError, EXIT } from "../errors.ts";

/**
 * Archive files read with DuckDB (embedded, no server): Parquet written by the R2 sink or by compaction, or
 * NDJSON/JSON in the event envelope (`stylist events --json`, an export). Everything is exposed as one view,
 * `archive`, with the archive's columns (src/sink/archive-row.ts) and each event id once — the sinks are
 * at-least-once, so a redelivered batch's copy is dropped here, keeping the earliest.
 *
 * DuckDB's parquet and json readers are built into @duckdb/node-api; extension downloads are switched off so a
 * missing one fails at once instead of reaching for the network.
 */
export interface ArchiveReader {
  query<Row = Record<string, unknown>>(sql: string, params?: DuckDBValue[]): Promise<Row[]>;
  rows(sql: string, params?: DuckDBValue[]): AsyncGenerator<Record<string, unknown>>;
  close(): void;
}

type Format = "parquet" | "json";

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A directory means every Parquet file under it; otherwise the extension of the path or glob decides. */
function archiveSource(pathOrGlob: string): { glob: string; format: Format } {
  if (existsSync(pathOrGlob) && statSync(pathOrGlob).isDirectory())
    return { glob: join(pathOrGlob, "**", "*.parquet"), format: "parquet" };
  if (/\.parquet$/i.test(pathOrGlob)) return { glob: pathOrGlob, format: "parquet" };
  if (/\.(ndjson|jsonl|json)$/i.test(pathOrGlob)) return { glob: pathOrGlob, format: "json" };
  throw new CLIError(
    `--events takes .parquet, .ndjson, .jsonl or .json files (or a directory of Parquet files), not ${pathOrGlob}`,
    EXIT.invalid,
  );
}

const COLUMN_LIST = ARCHIVE_COLUMNS.map((column) => column.name).join(", ");

/** One source as a relation with the archive's columns, whatever its format. */
function relationOf({ glob, format }: { glob: string; format: Format }): string {
  if (format === "parquet") {
    // union_by_name: files written before a nullable column was added (`products`, `period`) read with NULLs for it.
    return `SELECT ${COLUMN_LIST} FROM read_parquet(${quote(glob)}, union_by_name = true, hive_partitioning = false)`;
  }
  // The event envelope's names (rulesVersion, orderId, segments as a list) mapped to the archive's.
  const columns = `{id: 'VARCHAR', type: 'VARCHAR', ts: 'BIGINT', visitor: 'VARCHAR', path: 'VARCHAR',
    device: 'VARCHAR', country: 'VARCHAR', source: 'VARCHAR', experiment: 'VARCHAR', variant: 'VARCHAR',
    phase: 'BIGINT', rulesVersion: 'BIGINT', segments: 'VARCHAR[]', goal: 'VARCHAR', value: 'BIGINT',
    currency: 'VARCHAR', orderId: 'VARCHAR', reportedBy: 'VARCHAR', products: 'VARCHAR[]', period: 'BIGINT'}`;
  return `SELECT 1 AS schema_version, id, type, ts, visitor, path, device, country, source, experiment, variant,
      phase, rulesVersion AS rules_version, CASE WHEN segments IS NULL THEN NULL ELSE to_json(segments)::VARCHAR END AS segments,
      goal, value, currency, orderId AS order_id, reportedBy AS reported_by,
      CASE WHEN products IS NULL THEN NULL ELSE to_json(products)::VARCHAR END AS products,
      period
    FROM read_json(${quote(glob)}, format = 'auto', columns = ${columns})`;
}

/** `--events` as a parenthesised relation with the archive's columns (the duplicates still in): for printed SQL. */
export function archiveRelation(pathOrGlob: string): string {
  return `(${relationOf(archiveSource(pathOrGlob))})`;
}

/**
 * DuckDB's working memory: a quarter of the machine's, between 256 MB and 1 GB; `STYLIST_DUCKDB_MEMORY` (e.g. 4GB)
 * sets it. At 10 M events 1 GB spilled less than 512 MB did (35 against 45 CPU seconds) with a peak of 1.3 GB
 * (docs/benchmarks.md); above that the report only spills less, while a small machine keeps room for the rest.
 */
const MEMORY_LIMIT =
  process.env.STYLIST_DUCKDB_MEMORY ??
  `${Math.min(1024, Math.max(256, Math.floor(totalmem() / 4 / 2 ** 20)))}MB`;

async function connect(): Promise<{
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  cleanUp(): void;
}> {
  // One spill directory a process: two reports at once must not share DuckDB's temporary files, and a run that
  // is killed leaves its files in a directory the next run does not reuse.
  const spill = mkdtempSync(join(tmpdir(), "stylist-duckdb-"));
  const instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    // Bounded, spilling to disk beyond it: DuckDB's default (80% of RAM) let the report's old windows over 10 M
    // events grow past 9 GB (docs/analytics.md).
    memory_limit: MEMORY_LIMIT,
    temp_directory: spill,
  });
  return {
    instance,
    connection: await instance.connect(),
    cleanUp: () => rmSync(spill, { recursive: true, force: true }),
  };
}

/** What DuckDB says when a glob matches nothing or a file is unreadable, as the CLI's one-line error. */
function explained(error: unknown, sources: readonly string[]): never {
  const message = error instanceof Error ? error.message : String(error);
  if (/No files found/i.test(message))
    throw new CLIError(`no archive files match ${sources.join(", ")}`, EXIT.invalid);
  throw new CLIError(`reading ${sources.join(", ")}: ${message.split("\n")[0]}`, EXIT.invalid);
}

export async function openArchive(sources: readonly string[]): Promise<ArchiveReader> {
  const { instance, connection, cleanUp } = await connect();
  const relations = sources.map((source) => relationOf(archiveSource(source)));
  try {
    // archive_rows: every stored row, copies included (checks that need no de-duplication read it, for less work).
    await connection.run(`CREATE VIEW archive_rows AS ${relations.join(" UNION ALL BY NAME ")}`);
    // The ids stored more than once (a redelivered batch), found in one pass that groups 64-bit hashes of the ids:
    // strings would make a table of every id. A hash two ids share only sends both to the ranking below, which
    // compares the ids themselves. Only those rows are ranked to keep the earliest copy: a window over every event
    // would sort the whole archive, on every query that reads the view. Building the table reads every file, so a
    // glob matching nothing fails here, in one line.
    await connection.run(`CREATE TEMP TABLE archive_copies AS
      SELECT hash(id) AS id_hash FROM archive_rows GROUP BY id_hash HAVING count(*) > 1`);
    const copies = await connection.runAndReadAll("SELECT count(*) AS n FROM archive_copies");
    await connection.run(
      copies.getRowObjectsJS()[0]?.n === 0n
        ? "CREATE VIEW archive AS SELECT * FROM archive_rows"
        : `CREATE VIEW archive AS
      SELECT r.* FROM archive_rows r ANTI JOIN archive_copies c ON hash(r.id) = c.id_hash
      UNION ALL
      SELECT * FROM (SELECT r.* FROM archive_rows r SEMI JOIN archive_copies c ON hash(r.id) = c.id_hash
        QUALIFY row_number() OVER (PARTITION BY r.id ORDER BY r.ts, r.visitor) = 1)`,
    );
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    cleanUp();
    explained(error, sources);
  }
  return {
    async query<Row>(sql: string, params: DuckDBValue[] = []) {
      const reader = await connection.runAndReadAll(sql, params).catch((error) => explained(error, sources));
      return reader.getRowObjectsJS() as Row[];
    },
    async *rows(sql: string, params: DuckDBValue[] = []) {
      const result = await connection.stream(sql, params).catch((error) => explained(error, sources));
      for await (const chunk of result.yieldRowObjectJs()) yield* chunk as Array<Record<string, unknown>>;
    },
    close() {
      connection.closeSync();
      instance.closeSync();
      cleanUp();
    },
  };
}

/** A fresh DuckDB for rewriting Parquet files (compaction, forget); closed by the caller. */
export async function openDuckDB(): Promise<{ connection: DuckDBConnection; close(): void }> {
  const { instance, connection, cleanUp } = await connect();
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
      cleanUp();
    },
  };
}

export { quote as sqlString };
