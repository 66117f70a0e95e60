import type { ArchiveRow } from "../sink/archive-row.ts";
import { archiveRowOf } from "../sink/archive-row.ts";
import type { EventSink } from "../sink/sink.ts";

/** What the consumer calls on the buffer (src/worker/archive-buffer.ts). */
export interface ArchiveBufferStub {
  /** Resolves once the rows are stored durably; rejects if they are not. */
  append(rows: ArchiveRow[]): Promise<void>;
}

/**
 * Every archive event goes to one buffer object: a single object takes a consumer batch in one small SQLite write,
 * far below what one object can do (docs/analytics.md, "Batching"), and one place to flush from keeps files large.
 */
export const ARCHIVE_BUFFER_NAME = "archive";

/**
 * The R2 archive through the buffer: `write` resolves once the buffer has stored the events, so the consumer acks
 * only durable events; a failed call throws and the consumer retries the messages as with any sink.
 */
export function bufferedArchiveSink(buffer: DurableObjectNamespace): EventSink {
  return {
    name: "r2",
    async write(events) {
      const stub = buffer.get(buffer.idFromName(ARCHIVE_BUFFER_NAME)) as unknown as ArchiveBufferStub;
      await stub.append(events.map(archiveRowOf));
    },
  };
}
