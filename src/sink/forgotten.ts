/**
 * `stylist forget` with the R2 archive also leaves a mark in the RULES namespace, `archive-forget:<ms>:<visitor>`,
 * and the archive buffer drops that visitor's events when it next writes a file: events still in the buffer or the
 * queue when the command ran never reach the archive (docs/analytics.md, "Batching"). The time in the key lets the
 * buffer drop old marks from a listing alone, without reading each value.
 */
export const FORGOTTEN_PREFIX = "archive-forget:";

/**
 * How long a mark is honoured: far longer than the buffer's age limit (a day at most) plus the queue's retries, so
 * only a buffer that could not write to R2 for a week would outlive it.
 */
export const FORGOTTEN_KEEP_MS = 7 * 86_400_000;

export function forgottenKey(visitor: string, at: number): string {
  return `${FORGOTTEN_PREFIX}${at}:${visitor}`;
}

/** The visitor and time of a mark, or undefined for a key of any other shape. */
export function forgottenOfKey(key: string): { visitor: string; at: number } | undefined {
  const match = /^archive-forget:(\d+):([0-9a-f]{32})$/.exec(key);
  return match ? { at: Number(match[1]), visitor: match[2] as string } : undefined;
}
