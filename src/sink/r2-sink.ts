import type { StylistEvent } from "../core/schema/event.ts";
import { type ArchiveRow, archiveRowOf, partitionOf } from "./archive-row.ts";
import { parquetOf } from "./parquet-file.ts";
import type { EventSink } from "./sink.ts";

/** The slice of R2Bucket the sink needs, so tests can hand it a failing bucket. */
export interface ArchiveBucket {
  put(
    key: string,
    value: Uint8Array,
    options?: { httpMetadata?: { contentType?: string }; customMetadata?: Record<string, string> },
  ): Promise<unknown>;
}

/** Rows grouped by the partition (`events/dt=…/type=…/`) their file goes under. */
export function rowsByPartition(rows: readonly ArchiveRow[]): Map<string, ArchiveRow[]> {
  const partitions = new Map<string, ArchiveRow[]>();
  for (const row of rows) {
    const prefix = partitionOf(row.ts, row.type);
    const held = partitions.get(prefix);
    if (held) held.push(row);
    else partitions.set(prefix, [row]);
  }
  return partitions;
}

/**
 * One partition's rows as one Parquet file, `<prefix>part-<written ms>-<random>.parquet`, written whole with one PUT
 * so a reader never sees half a file. Shared by the unbuffered sink and the archive buffer's flush.
 */
export async function putPartitionFile(
  bucket: ArchiveBucket,
  prefix: string,
  rows: ArchiveRow[],
  now: () => number = Date.now,
): Promise<string> {
  rows.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
  // Written time first, so a listing comes back roughly in arrival order; the random tail keeps two
  // consumers writing in the same millisecond apart.
  const key = `${prefix}part-${now()}-${crypto.randomUUID()}.parquet`;
  await bucket.put(key, parquetOf(rows), {
    httpMetadata: { contentType: "application/vnd.apache.parquet" },
    customMetadata: { rows: String(rows.length) },
  });
  return key;
}

/**
 * The R2 archive, unbuffered: a consumer batch becomes one Parquet file per (UTC day, event type), at
 * `events/dt=YYYY-MM-DD/type=<type>/part-<first ts>-<random>.parquet`. A failed PUT throws and the whole batch is
 * retried, and files already written for it stay — their events come back in the retry's files too, and readers
 * drop the duplicates by id. With the ARCHIVE_BUFFER binding the consumer goes through src/worker/archive-buffer.ts
 * instead, which writes the same files, only bigger.
 */
export function r2Sink(bucket: ArchiveBucket, now: () => number = Date.now): EventSink {
  return {
    name: "r2",
    async write(events: readonly StylistEvent[]) {
      await Promise.all(
        [...rowsByPartition(events.map(archiveRowOf))].map(([prefix, rows]) =>
          putPartitionFile(bucket, prefix, rows, now),
        ),
      );
    },
  };
}
