import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { partitionOfKey } from "../../sink/archive-row.ts";
import { openDuckDB, sqlString } from "./duckdb-archive.ts";
import type { ArchiveStore } from "./store.ts";

/**
 * Keeping the archive in shape, all through an ArchiveStore and DuckDB on local copies: download, rewrite with
 * DuckDB (zstd Parquet), upload whole, then delete what was replaced. Every step is safe to repeat: an interrupted run
 * leaves at worst both the old and the new file, whose shared event ids readers remove.
 */

const PREFIX = "events/";

async function parquetKeys(store: ArchiveStore): Promise<string[]> {
  return (await store.list(PREFIX)).map((object) => object.key).filter((key) => partitionOfKey(key));
}

/** Copies the archive's Parquet files into `dir`, keeping their keys as paths; returns how many. */
export async function pullArchive(store: ArchiveStore, dir: string): Promise<number> {
  const keys = await parquetKeys(store);
  for (const key of keys) {
    const body = await store.get(key);
    if (!body) continue; // deleted since the listing (compaction, prune): its events are in the replacement or gone.
    mkdirSync(dirname(join(dir, key)), { recursive: true });
    writeFileSync(join(dir, key), body);
  }
  return keys.length;
}

async function withScratch<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "stylist-archive-"));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const newPartKey = (partition: string) => `${partition}part-${Date.now()}-${crypto.randomUUID()}.parquet`;

/** DuckDB's COPY of a query to one zstd Parquet file, in time order so engines can skip row groups by ts. */
async function rewrite(sourceFiles: readonly string[], where: string, out: string): Promise<number> {
  const duck = await openDuckDB();
  try {
    const list = `[${sourceFiles.map(sqlString).join(", ")}]`;
    const selected = `SELECT * FROM read_parquet(${list}, union_by_name = true, hive_partitioning = false)
      WHERE ${where} QUALIFY row_number() OVER (PARTITION BY id ORDER BY ts, visitor) = 1 ORDER BY ts, id`;
    const counted = await duck.connection.runAndReadAll(`SELECT count(*) AS n FROM (${selected})`);
    const rows = Number(counted.getRowObjectsJS()[0]?.n ?? 0);
    if (rows > 0)
      await duck.connection.run(
        `COPY (${selected}) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
      );
    return rows;
  } finally {
    duck.close();
  }
}

export interface CompactResult {
  partitions: number;
  filesBefore: number;
  filesAfter: number;
  events: number;
}

/**
 * Merges each (day, type) partition holding more than one file into one zstd file with each event id once.
 * `before` (YYYY-MM-DD) leaves newer days alone, e.g. today's, which the consumer is still adding to.
 */
export async function compactArchive(
  store: ArchiveStore,
  options: { before?: string } = {},
): Promise<CompactResult> {
  const byPartition = new Map<string, string[]>();
  for (const key of await parquetKeys(store)) {
    const partition = partitionOfKey(key);
    if (!partition || (options.before && partition.dt >= options.before)) continue;
    const prefix = key.slice(0, key.lastIndexOf("/") + 1);
    byPartition.set(prefix, [...(byPartition.get(prefix) ?? []), key]);
  }
  const result: CompactResult = { partitions: 0, filesBefore: 0, filesAfter: 0, events: 0 };
  for (const [prefix, keys] of byPartition) {
    if (keys.length < 2) continue;
    await withScratch(async (dir) => {
      const files: string[] = [];
      for (const [i, key] of keys.entries()) {
        const body = await store.get(key);
        if (!body) continue;
        const file = join(dir, `in-${i}.parquet`);
        writeFileSync(file, body);
        files.push(file);
      }
      const out = join(dir, "out.parquet");
      const rows = files.length > 0 ? await rewrite(files, "true", out) : 0;
      if (rows > 0) await store.put(newPartKey(prefix), new Uint8Array(readFileSync(out)));
      await store.delete(keys);
      result.partitions++;
      result.filesBefore += keys.length;
      result.filesAfter += rows > 0 ? 1 : 0;
      result.events += rows;
    });
  }
  return result;
}

export interface ForgetResult {
  filesRead: number;
  filesRewritten: number;
  filesDeleted: number;
  events: number;
}

/**
 * A data subject's erasure: every file holding the visitor's events is rewritten without them (or deleted when
 * nothing else is left). Every file is read — visitor ids are random, so no partition or statistic narrows it down.
 */
export async function forgetInArchive(store: ArchiveStore, visitor: string): Promise<ForgetResult> {
  if (!/^[0-9a-f]{32}$/.test(visitor)) throw new Error("a visitor id is 32 hex characters");
  const keys = await parquetKeys(store);
  const result: ForgetResult = { filesRead: 0, filesRewritten: 0, filesDeleted: 0, events: 0 };
  await withScratch(async (dir) => {
    const local = new Map<string, string>();
    for (const [i, key] of keys.entries()) {
      const body = await store.get(key);
      if (!body) continue;
      const file = join(dir, `f-${i}.parquet`);
      writeFileSync(file, body);
      local.set(file, key);
    }
    result.filesRead = local.size;
    if (local.size === 0) return;
    const duck = await openDuckDB();
    let affected: Array<{ filename: string; n: number }>;
    try {
      const list = `[${[...local.keys()].map(sqlString).join(", ")}]`;
      const found = await duck.connection.runAndReadAll(
        `SELECT filename, count(*)::DOUBLE AS n FROM read_parquet(${list}, union_by_name = true, filename = true)
         WHERE visitor = $1 GROUP BY filename`,
        [visitor],
      );
      affected = found.getRowObjectsJS() as Array<{ filename: string; n: number }>;
    } finally {
      duck.close();
    }
    for (const { filename, n } of affected) {
      const key = local.get(filename);
      if (!key) continue;
      const out = join(dir, `out-${result.filesRewritten + result.filesDeleted}.parquet`);
      const kept = await rewrite([filename], `visitor <> ${sqlString(visitor)}`, out);
      if (kept > 0) {
        await store.put(key, new Uint8Array(readFileSync(out)));
        result.filesRewritten++;
      } else {
        await store.delete([key]);
        result.filesDeleted++;
      }
      result.events += n;
    }
  });
  return result;
}

export interface PruneResult {
  partitions: string[];
  files: number;
}

/**
 * Retention by whole partitions: a day goes when all of it is older than the cutoff (its end at or before it), so
 * nothing newer than the cutoff is ever dropped and at most a day older is kept until the next run.
 */
export async function pruneArchive(
  store: ArchiveStore,
  cutoffMs: number,
  dryRun = false,
): Promise<PruneResult> {
  const doomed: string[] = [];
  const partitions = new Set<string>();
  for (const key of await parquetKeys(store)) {
    const partition = partitionOfKey(key);
    if (!partition) continue;
    const dayEnd = Date.parse(`${partition.dt}T00:00:00Z`) + 86_400_000;
    if (dayEnd <= cutoffMs) {
      doomed.push(key);
      partitions.add(`dt=${partition.dt}/type=${partition.type}`);
    }
  }
  if (!dryRun) await store.delete(doomed);
  return { partitions: [...partitions].sort(), files: doomed.length };
}
