import { DurableObject } from "cloudflare:workers";
import type { ArchiveRow } from "../sink/archive-row.ts";
import { FORGOTTEN_KEEP_MS, FORGOTTEN_PREFIX, forgottenOfKey } from "../sink/forgotten.ts";
import { type ArchiveBucket, putPartitionFile, rowsByPartition } from "../sink/r2-sink.ts";
import {
  type ArchiveBufferSettings,
  archiveBufferSettingsOf,
  MAX_FILE_ROWS,
} from "./archive-buffer-settings.ts";
import type { ArchiveBufferStub } from "./archive-buffer-sink.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";

/** A failed flush is tried again after this long (or at the age limit, if that is sooner). */
const RETRY_MS = 60_000;
/** Durable Object SQLite refuses a value over 2 MB: a batch's rows are stored in chunks of at most ~1 MB of JSON. */
const CHUNK_CHARS = 1_000_000;

/** One stored chunk: rows of one partition that arrived in one consumer batch. */
interface Held {
  partition: string;
  events: number;
  oldest: number;
}

/** Rows as JSON arrays of at most CHUNK_CHARS characters (a single larger row still gets a chunk of its own). */
function chunksOf(rows: readonly ArchiveRow[]): Array<{ count: number; json: string }> {
  const chunks: Array<{ count: number; json: string }> = [];
  let parts: string[] = [];
  let chars = 0;
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (parts.length > 0 && chars + json.length + 1 > CHUNK_CHARS) {
      chunks.push({ count: parts.length, json: `[${parts.join(",")}]` });
      parts = [];
      chars = 0;
    }
    parts.push(json);
    chars += json.length + 1;
  }
  if (parts.length > 0) chunks.push({ count: parts.length, json: `[${parts.join(",")}]` });
  return chunks;
}

/**
 * The archive's batching buffer (docs/analytics.md, "Batching"): one Durable Object with SQLite storage between the
 * queue consumer and R2, so a Parquet file holds ARCHIVE_BUFFER_EVENTS events or ARCHIVE_BUFFER_SECONDS of them
 * instead of one consumer batch.
 *
 * `append` returns only once the rows are durable (the runtime's output gate holds the reply until the write is
 * confirmed), so the consumer acknowledges its messages after that and at-least-once delivery holds. A batch is
 * stored as one SQLite row per partition (chunked under the 2 MB value limit), not one per event: rows written are
 * what Durable Object storage bills.
 *
 * A flush writes one file per partition from the chunks it read, and deletes exactly those chunks only after the
 * PUT succeeded; a failed PUT keeps them and the alarm tries again. Flushes run one at a time, so stored rows are
 * written once in the normal path — a crash between the PUT and the delete writes them again, which readers
 * remove by id like any redelivery.
 */
export class ArchiveBuffer extends DurableObject<Env> implements ArchiveBufferStub {
  /** Where files go; a field so a test can hand the object a failing bucket. */
  archive: ArchiveBucket | undefined;
  #flushing: Promise<unknown> = Promise.resolve();
  /**
   * After a failed flush, batches that reach the count leave the retry to the alarm instead of each encoding the
   * whole backlog again during an R2 outage. In memory only: a restarted object simply tries once more.
   */
  #retryAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.archive = env.ARCHIVE;
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS chunks (
      seq INTEGER PRIMARY KEY,
      partition TEXT NOT NULL,
      arrived INTEGER NOT NULL,
      events INTEGER NOT NULL,
      rows TEXT NOT NULL
    )`);
  }

  async append(rows: ArchiveRow[]): Promise<void> {
    // Read first: a bad setting refuses the batch (the consumer retries it) before anything is stored.
    const settings = archiveBufferSettingsOf(this.env);
    const arrived = Date.now();
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      for (const [partition, held] of rowsByPartition(rows))
        for (const chunk of chunksOf(held))
          sql.exec(
            "INSERT INTO chunks (partition, arrived, events, rows) VALUES (?, ?, ?, ?)",
            partition,
            arrived,
            chunk.count,
            chunk.json,
          );
    });
    const full = this.#held().some((held) => held.events >= settings.maxEvents);
    if (full && Date.now() >= this.#retryAt) await this.#flush(settings);
    else if ((await this.ctx.storage.getAlarm()) === null) await this.#schedule(settings);
  }

  override async alarm(): Promise<void> {
    let settings: ArchiveBufferSettings;
    try {
      settings = archiveBufferSettingsOf(this.env);
    } catch (error) {
      logFault("sink_misconfigured", error);
      await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
      return;
    }
    await this.#flush(settings);
  }

  /** Per partition: how many events it holds and when its oldest arrived. */
  #held(): Held[] {
    return this.ctx.storage.sql
      .exec<{ partition: string; events: number; oldest: number }>(
        "SELECT partition, sum(events) AS events, min(arrived) AS oldest FROM chunks GROUP BY partition",
      )
      .toArray();
  }

  /** One flush at a time: a second waits for the first, then looks again at what is due. */
  #flush(settings: ArchiveBufferSettings): Promise<void> {
    const run = this.#flushing.then(() => this.#flushDue(settings));
    this.#flushing = run.catch(() => {});
    return run;
  }

  async #flushDue(settings: ArchiveBufferSettings): Promise<void> {
    try {
      const bucket = this.archive;
      if (!bucket) throw new Error("the archive buffer needs an R2 binding named ARCHIVE");
      const now = Date.now();
      const due = this.#held().filter(
        (held) => held.events >= settings.maxEvents || held.oldest + settings.maxAgeMs <= now,
      );
      if (due.length === 0) return await this.#schedule(settings);
      // Read for every flush: a listing that fails fails the flush, so an erasure is never skipped.
      const forgotten = await this.#forgotten(now);
      for (const held of due) await this.#flushPartition(bucket, held.partition, forgotten);
      this.#retryAt = 0;
    } catch (error) {
      logFault("archive_flush_failed", error);
      this.#retryAt = Date.now() + Math.min(RETRY_MS, settings.maxAgeMs);
      await this.ctx.storage.setAlarm(this.#retryAt);
      return;
    }
    await this.#schedule(settings);
  }

  /**
   * Writes the partition's chunks that are stored now (not those appended while a PUT is under way), in files of at
   * most MAX_FILE_ROWS rows, deleting each file's chunks once its PUT has succeeded.
   */
  async #flushPartition(bucket: ArchiveBucket, partition: string, forgotten: Set<string>): Promise<void> {
    const sql = this.ctx.storage.sql;
    const last = sql
      .exec<{ last: number | null }>("SELECT max(seq) AS last FROM chunks WHERE partition = ?", partition)
      .one().last;
    if (last === null) return;
    let from = 0;
    while (from <= last) {
      const rows: ArchiveRow[] = [];
      let through = from;
      const chunks = sql.exec<{ seq: number; events: number; rows: string }>(
        "SELECT seq, events, rows FROM chunks WHERE partition = ? AND seq >= ? AND seq <= ? ORDER BY seq",
        partition,
        from,
        last,
      );
      for (const chunk of chunks) {
        if (rows.length > 0 && rows.length + chunk.events > MAX_FILE_ROWS) break;
        rows.push(...(JSON.parse(chunk.rows) as ArchiveRow[]));
        through = chunk.seq;
      }
      if (rows.length === 0) return;
      const kept = forgotten.size === 0 ? rows : rows.filter((row) => !forgotten.has(row.visitor));
      if (kept.length > 0) await putPartitionFile(bucket, partition, kept);
      sql.exec("DELETE FROM chunks WHERE partition = ? AND seq >= ? AND seq <= ?", partition, from, through);
      from = through + 1;
    }
  }

  /** Visitors `stylist forget` erased (src/sink/forgotten.ts); marks past FORGOTTEN_KEEP_MS are deleted. */
  async #forgotten(now: number): Promise<Set<string>> {
    const visitors = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.env.RULES.list({ prefix: FORGOTTEN_PREFIX, ...(cursor ? { cursor } : {}) });
      for (const { name } of page.keys) {
        const mark = forgottenOfKey(name);
        if (!mark) continue;
        if (mark.at + FORGOTTEN_KEEP_MS < now) await this.env.RULES.delete(name);
        else visitors.add(mark.visitor);
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return visitors;
  }

  /** The next alarm: when the oldest event left reaches the age limit; none when the buffer is empty. */
  async #schedule(settings: ArchiveBufferSettings): Promise<void> {
    const oldest = this.ctx.storage.sql
      .exec<{ oldest: number | null }>("SELECT min(arrived) AS oldest FROM chunks")
      .one().oldest;
    if (oldest === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(oldest + settings.maxAgeMs, Date.now()));
  }
}
