import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SINK_NAMES, type SinkName, sinkNameOf } from "../../sink/sink.ts";
import { CLIError, EXIT } from "../errors.ts";
import { readProjectConfig } from "../project.ts";
import type { Backend } from "../stores/types.ts";
import { type ArchiveReader, openArchive } from "./duckdb-archive.ts";
import { pullArchive } from "./maintenance.ts";
import { R2_CREDENTIAL_VARS } from "./remote-archive.ts";
import type { ArchiveStore } from "./store.ts";

/** `--sink` for every command that reads or deletes events; the default is wrangler.toml's SINK var. */
export const sinkArg = {
  sink: {
    type: "string",
    description: `Which sink to read: ${SINK_NAMES.join(", ")} (default: SINK in wrangler.toml, else d1)`,
  },
} as const;

export async function chosenSink(args: { sink?: string; config: string }): Promise<SinkName> {
  try {
    return sinkNameOf(args.sink ?? (await readProjectConfig(args.config)).sink);
  } catch (error) {
    throw new CLIError((error as Error).message, EXIT.invalid);
  }
}

/** The archive bucket, or why it cannot be reached from here. */
export function archiveOf(backend: Backend): ArchiveStore {
  if (backend.archive) return backend.archive;
  if (backend.mode === "remote" && R2_CREDENTIAL_VARS.some((name) => !process.env[name]?.trim()))
    throw new CLIError(
      `--sink r2 with --remote reads the bucket over R2's S3 API: set ${R2_CREDENTIAL_VARS.join(" and ")} (an R2 API token with Object Read & Write on the archive bucket; docs/analytics.md, "Reading the archive remotely")`,
      EXIT.invalid,
    );
  throw new CLIError('wrangler.toml has no r2_buckets entry with binding "ARCHIVE"', EXIT.invalid);
}

/** Pipelines writes an Iceberg table the CLI does not read: say where to read it instead. */
export function refusePipelines(sink: SinkName): void {
  if (sink === "pipelines")
    throw new CLIError(
      "events sent to Pipelines land in an R2 Data Catalog (Iceberg) table: query it with DuckDB, Spark, Trino or R2 SQL, or export it as Parquet and pass --events (docs/analytics.md)",
      EXIT.invalid,
    );
}

/**
 * The R2 archive as a DuckDB view: copied into a scratch directory first (DuckDB reads local files with no
 * extension to download), removed afterwards.
 */
export async function withArchiveReader<T>(
  store: ArchiveStore,
  use: (archive: ArchiveReader, files: number) => Promise<T>,
  empty: () => T = () => {
    throw new CLIError("the R2 archive holds no events yet", EXIT.failed);
  },
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "stylist-r2-"));
  try {
    const files = await pullArchive(store, dir);
    if (files === 0) return empty();
    const archive = await openArchive([dir]);
    try {
      return await use(archive, files);
    } finally {
      archive.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--events` values that go through DuckDB: a glob, a directory, Parquet. A plain NDJSON file keeps the line reader. */
export function readsWithDuckDB(path: string): boolean {
  return /[*?[{]/.test(path) || /\.parquet$/i.test(path) || !/\.(ndjson|jsonl|json)$/i.test(path);
}
