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

/**
 * The R2 archive: a consumer batch becomes one Parquet file per (UTC day, event type), at
 * `events/dt=YYYY-MM-DD/type=<type>/part-<first ts>-<random>.parquet`. Each file is written whole with one PUT, so a
 * reader never sees half a file; a failed PUT throws and the whole batch is retried, and files already written for
 * it stay — their events come back in the retry's files too, and readers drop the duplicates by id.
 */
export function r2Sink(bucket: ArchiveBucket, now: () => number = Date.now): EventSink {
  return {
    name: "r2",
    async write(events: readonly StylistEvent[]) {
      const partitions = new Map<string, ArchiveRow[]>();
      for (const event of events) {
        const prefix = partitionOf(event.ts, event.type);
        const rows = partitions.get(prefix);
        if (rows) rows.push(archiveRowOf(event));
        else partitions.set(prefix, [archiveRowOf(event)]);
      }
      await Promise.all(
        [...partitions].map(([prefix, rows]) => {
          rows.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
          // Written time first, so a listing comes back roughly in arrival order; the random tail keeps two
          // consumers writing in the same millisecond apart.
          const key = `${prefix}part-${now()}-${crypto.randomUUID()}.parquet`;
          return bucket.put(key, parquetOf(rows), {
            httpMetadata: { contentType: "application/vnd.apache.parquet" },
            customMetadata: { rows: String(rows.length) },
          });
        }),
      );
    },
  };
}
