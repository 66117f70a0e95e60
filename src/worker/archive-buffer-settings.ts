/**
 * The archive buffer's two limits (docs/analytics.md, "Batching"): it writes a partition's file once it holds
 * ARCHIVE_BUFFER_EVENTS events, or once its oldest event has waited ARCHIVE_BUFFER_SECONDS, whichever comes first.
 */
export interface ArchiveBufferSettings {
  maxEvents: number;
  maxAgeMs: number;
}

const ARCHIVE_BUFFER_DEFAULTS = { events: 10_000, seconds: 300 } as const;

/**
 * The most rows one file is built from: the flush holds a file's rows as stored JSON, as objects and as the Parquet
 * buffer at once, and an isolate has 128 MB. Measured in Node on realistic rows: 20,000 rows grew the heap by ~54 MB
 * (plus 9 MB of JSON), 50,000 by ~140 MB. A partition holding more (a backlog after an R2 outage) becomes several files.
 */
export const MAX_FILE_ROWS = 20_000;

/** A day: an event older than this in the buffer would miss every dashboard that reads the archive. */
const MAX_SECONDS = 86_400;

function whole(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const number = Number(value.trim());
  if (!Number.isInteger(number) || number < 1 || number > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}, not "${value}"`);
  return number;
}

/**
 * Unset means the default; anything else unusable is a configuration error (the consumer retries the batch and
 * says why), never a silent fallback that would change file sizes or erasure latency unnoticed.
 */
export function archiveBufferSettingsOf(env: {
  ARCHIVE_BUFFER_EVENTS?: string | undefined;
  ARCHIVE_BUFFER_SECONDS?: string | undefined;
}): ArchiveBufferSettings {
  return {
    maxEvents: whole(
      "ARCHIVE_BUFFER_EVENTS",
      env.ARCHIVE_BUFFER_EVENTS,
      ARCHIVE_BUFFER_DEFAULTS.events,
      MAX_FILE_ROWS,
    ),
    maxAgeMs:
      whole(
        "ARCHIVE_BUFFER_SECONDS",
        env.ARCHIVE_BUFFER_SECONDS,
        ARCHIVE_BUFFER_DEFAULTS.seconds,
        MAX_SECONDS,
      ) * 1000,
  };
}
