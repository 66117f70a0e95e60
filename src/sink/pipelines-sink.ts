import type { StylistEvent } from "../core/schema/event.ts";
import { ARCHIVE_COLUMNS, type ArchiveRow, archiveRowOf } from "./archive-row.ts";
import type { EventSink } from "./sink.ts";

/**
 * Cloudflare Pipelines: records go to a structured stream, which a pipeline writes into an R2 Data Catalog (Apache
 * Iceberg) table. A structured stream drops a record that does not match its schema without telling the sender, so
 * every record is checked here against the same schema first (`streamSchema()`, the file given to
 * `wrangler pipelines streams create --schema-file`), and a mismatch is an error the consumer logs, never a silent
 * loss. There is no local emulation of Pipelines: test/node/sink/pipelines-contract.test.ts pins exactly what is sent.
 */

/** The stream schema, in the format `wrangler pipelines streams create --schema-file` takes. */
export function streamSchema() {
  const typeOf = { STRING: "string", INT32: "int32", INT64: "int64" } as const;
  return {
    fields: ARCHIVE_COLUMNS.map((column) => ({
      name: column.name,
      type: typeOf[column.type],
      required: column.required,
    })),
  };
}

/** The slice of the Pipeline binding the sink uses. */
export interface PipelineLike {
  send(records: ArchiveRow[]): Promise<void>;
}

/** Beta limit: 1 MB per ingestion request; keep each send well under it. */
export const MAX_SEND_BYTES = 900_000;

/** What would make a structured stream drop this record, or undefined when it matches. */
export function streamMismatch(record: Record<string, unknown>): string | undefined {
  const known = new Set<string>(ARCHIVE_COLUMNS.map((column) => column.name));
  for (const key of Object.keys(record)) if (!known.has(key)) return `${key}: not in the stream schema`;
  for (const column of ARCHIVE_COLUMNS) {
    const value = record[column.name];
    if (value === null || value === undefined) {
      if (column.required) return `${column.name}: required`;
      continue;
    }
    if (column.type === "STRING" && typeof value !== "string") return `${column.name}: not a string`;
    if (column.type === "INT32" && !(Number.isInteger(value) && Math.abs(value as number) < 2 ** 31))
      return `${column.name}: not an int32`;
    if (column.type === "INT64" && !Number.isSafeInteger(value)) return `${column.name}: not an int64`;
  }
  return undefined;
}

export interface Refused {
  id: string;
  reason: string;
}

/**
 * The records of one consumer batch, split into sends that each stay under MAX_SEND_BYTES, and the events the stream
 * would drop (a retry cannot fix them, so they are reported and left out rather than blocking the batch).
 */
export function pipelineSends(events: readonly StylistEvent[]): {
  sends: ArchiveRow[][];
  refused: Refused[];
} {
  const sends: ArchiveRow[][] = [];
  const refused: Refused[] = [];
  let current: ArchiveRow[] = [];
  let bytes = 2;
  for (const event of events) {
    const record = archiveRowOf(event);
    const mismatch = streamMismatch(record as unknown as Record<string, unknown>);
    if (mismatch) {
      refused.push({ id: event.id, reason: mismatch });
      continue;
    }
    const size = JSON.stringify(record).length + 1;
    if (current.length > 0 && bytes + size > MAX_SEND_BYTES) {
      sends.push(current);
      current = [];
      bytes = 2;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) sends.push(current);
  return { sends, refused };
}

export function pipelinesSink(stream: PipelineLike, onRefused: (refused: Refused[]) => void): EventSink {
  return {
    name: "pipelines",
    async write(events: readonly StylistEvent[]) {
      const { sends, refused } = pipelineSends(events);
      if (refused.length > 0) onRefused(refused);
      // One after another: if a send fails, the batch is retried and the earlier sends' records arrive twice,
      // which readers remove by id.
      for (const records of sends) await stream.send(records);
    },
  };
}
