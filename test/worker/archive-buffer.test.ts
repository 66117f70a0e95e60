import {
  createExecutionContext,
  createMessageBatch,
  env,
  getQueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { parquetReadObjects } from "hyparquet";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { StylistEvent } from "../../src/core/schema/event.ts";
import { eventOfArchiveRow } from "../../src/sink/archive-row.ts";
import { FORGOTTEN_KEEP_MS, FORGOTTEN_PREFIX, forgottenKey } from "../../src/sink/forgotten.ts";
import type { ArchiveBucket } from "../../src/sink/r2-sink.ts";
import type { ArchiveBuffer } from "../../src/worker/archive-buffer.ts";
import { MAX_FILE_ROWS } from "../../src/worker/archive-buffer-settings.ts";
import { ARCHIVE_BUFFER_NAME } from "../../src/worker/archive-buffer-sink.ts";
import type { Env } from "../../src/worker/env.ts";
import worker from "../../src/worker/index.ts";
import { faultCodes } from "./helpers.ts";

/**
 * The archive's batching buffer in workerd: the queue consumer (SINK = "r2", the ARCHIVE_BUFFER binding and the
 * defaults of wrangler.toml: 10,000 events or 300 seconds) hands each batch to the Durable Object, which writes a
 * partition's Parquet file only when it holds 10,000 events or its oldest has waited 300 s. Time is never waited
 * for: the age limit is reached by moving the stored arrival times back, and alarms are run on demand.
 */
const DAY = Date.UTC(2026, 11, 3, 10, 0, 0);
const COUNT = 10_000;
const AGE_MS = 300_000;

const bucket = () => env.ARCHIVE as R2Bucket;
const buffer = () => {
  const namespace = env.ARCHIVE_BUFFER as unknown as DurableObjectNamespace<ArchiveBuffer>;
  return namespace.get(namespace.idFromName(ARCHIVE_BUFFER_NAME));
};

let errors: MockInstance;
beforeEach(async () => {
  errors = vi.spyOn(console, "error").mockImplementation(() => {});
  for (const object of (await bucket().list({ prefix: "events/" })).objects)
    await bucket().delete(object.key);
  for (const key of (await env.RULES.list({ prefix: FORGOTTEN_PREFIX })).keys)
    await env.RULES.delete(key.name);
  await runInDurableObject(buffer(), async (instance, state) => {
    state.storage.sql.exec("DELETE FROM chunks");
    await state.storage.deleteAlarm();
    instance.archive = env.ARCHIVE;
  });
});
afterEach(() => errors.mockRestore());

function exposure(i: number, overrides: Partial<StylistEvent> = {}): StylistEvent {
  return {
    id: crypto.randomUUID(),
    type: "exposure",
    ts: DAY + i,
    visitor: (i % 4096).toString(16).padStart(32, "0"),
    experiment: "buffer-test",
    variant: i % 2 ? "control" : "promise",
    phase: 1,
    rulesVersion: 3,
    path: `/products/${i % 50}`,
    device: "desktop",
    country: "GB",
    segments: ["keen-runner"],
    ...overrides,
  } as StylistEvent;
}

function conversion(i: number): StylistEvent {
  return {
    id: crypto.randomUUID(),
    type: "conversion",
    ts: DAY + i,
    visitor: "c".repeat(32),
    goal: "purchase",
    value: 4_999 + i,
    currency: "GBP",
    orderId: `FS-${i}`,
    path: "/checkout",
  };
}

/** A realistic queue batch: 100 messages, each a page view's pack of `perMessage` events. */
function packs(events: readonly StylistEvent[], perMessage: number): unknown[] {
  const bodies: unknown[] = [];
  for (let start = 0; start < events.length; start += perMessage)
    bodies.push({ events: events.slice(start, start + perMessage) });
  return bodies;
}

let batchNumber = 0;
async function consume(bodies: readonly unknown[], overrides: Partial<Env> = {}) {
  const number = ++batchNumber;
  const batch = createMessageBatch(
    "stylist-events",
    bodies.map((body, i) => ({ id: `b${number}-${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, SINK: "r2", ...overrides });
  const result = await getQueueResult(batch, ctx);
  return { ...result, ids: batch.messages.map((message) => message.id).sort() };
}

/** Sends events as queue batches of 100 messages × 10 events (~1,000 events, a full batch of page views). */
async function consumeAll(events: readonly StylistEvent[]) {
  for (let start = 0; start < events.length; start += 1000) {
    const result = await consume(packs(events.slice(start, start + 1000), 10));
    expect(result.explicitAcks.sort()).toEqual(result.ids);
  }
}

async function files(): Promise<Array<{ key: string; size: number; events: StylistEvent[] }>> {
  const found = [];
  for (const object of (await bucket().list({ prefix: "events/" })).objects) {
    const body = await (await bucket().get(object.key))?.arrayBuffer();
    if (!body) throw new Error(`${object.key} vanished`);
    const rows = await parquetReadObjects({ file: body });
    found.push({
      key: object.key,
      size: object.size,
      events: rows.map((row) => eventOfArchiveRow(row) as StylistEvent),
    });
  }
  return found;
}

const byId = (events: readonly StylistEvent[]) => [...events].sort((a, b) => (a.id < b.id ? -1 : 1));

/** What the buffer holds: stored chunks (SQLite rows), events, and the alarm. */
function held() {
  return runInDurableObject(buffer(), async (_, state) => {
    const { chunks, events, oldest } = state.storage.sql
      .exec<{ chunks: number; events: number | null; oldest: number | null }>(
        "SELECT count(*) AS chunks, sum(events) AS events, min(arrived) AS oldest FROM chunks",
      )
      .one();
    return { chunks, events: events ?? 0, oldest, alarm: await state.storage.getAlarm() };
  });
}

/** Moves every stored arrival back by the age limit: the buffer's next look finds them due. */
function age() {
  return runInDurableObject(buffer(), (_, state) => {
    state.storage.sql.exec("UPDATE chunks SET arrived = arrived - ?", AGE_MS);
  });
}

describe("the archive buffer between the queue consumer and R2", () => {
  it("keeps fewer than ARCHIVE_BUFFER_EVENTS buffered, and its alarm writes them as one file per partition at the age limit", async () => {
    const exposures = Array.from({ length: 2_400 }, (_, i) => exposure(i));
    const conversions = [conversion(1), conversion(2)];
    await consumeAll(exposures);
    const last = await consume([...packs(exposures.slice(0, 0), 10), ...conversions]);
    expect(last.explicitAcks.sort()).toEqual(last.ids);

    expect(await files()).toEqual([]);
    const before = await held();
    // One stored row per partition per batch, not one per event: 3 exposure batches and 1 conversion batch.
    expect(before).toMatchObject({ chunks: 4, events: 2_402 });
    expect(before.alarm).toBe((before.oldest as number) + AGE_MS);

    // An alarm that runs before the age limit writes nothing and keeps the same deadline.
    expect(await runDurableObjectAlarm(buffer())).toBe(true);
    expect(await files()).toEqual([]);
    expect(await held()).toEqual(before);

    await age();
    expect(await runDurableObjectAlarm(buffer())).toBe(true);
    const written = await files();
    expect(written.map((file) => file.key.replace(/part-.*$/, "")).sort()).toEqual([
      "events/dt=2026-12-03/type=conversion/",
      "events/dt=2026-12-03/type=exposure/",
    ]);
    for (const file of written) expect(file.key).toMatch(/\/part-\d+-[0-9a-f-]{36}\.parquet$/);
    expect(byId(written.flatMap((file) => file.events))).toEqual(byId([...exposures, ...conversions]));
    expect(await held()).toEqual({ chunks: 0, events: 0, oldest: null, alarm: null });
  });

  it("writes a partition as one file as soon as it holds ARCHIVE_BUFFER_EVENTS events", async () => {
    const exposures = Array.from({ length: COUNT }, (_, i) => exposure(i));
    await consumeAll(exposures.slice(0, COUNT - 1000));
    expect(await files()).toEqual([]);
    expect((await held()).events).toBe(COUNT - 1000);

    await consumeAll(exposures.slice(COUNT - 1000));
    const written = await files();
    expect(written).toHaveLength(1);
    expect(written[0]?.events).toHaveLength(COUNT);
    expect(byId(written[0]?.events ?? [])).toEqual(byId(exposures));
    expect(await held()).toEqual({ chunks: 0, events: 0, oldest: null, alarm: null });
    // The measurement docs/analytics.md, "Batching" quotes: a 10,000-event file's size.
    console.info(`archive buffer: ${COUNT} events → one file of ${written[0]?.size} bytes`);
  });

  it("keeps the events when the R2 put fails, and writes them all on a later alarm", async () => {
    await runInDurableObject(buffer(), (instance) => {
      instance.archive = { put: () => Promise.reject(new Error("R2 is down")) } satisfies ArchiveBucket;
    });
    const exposures = Array.from({ length: COUNT }, (_, i) => exposure(i));
    // Every message is acknowledged: its events are stored in the buffer, whatever R2 does.
    await consumeAll(exposures);
    expect(faultCodes(errors)).toEqual(["archive_flush_failed"]);
    expect(await files()).toEqual([]);
    const kept = await held();
    expect(kept.events).toBe(COUNT);
    expect(kept.alarm).not.toBeNull();

    // Still down at the retry: still kept.
    expect(await runDurableObjectAlarm(buffer())).toBe(true);
    expect((await held()).events).toBe(COUNT);

    await runInDurableObject(buffer(), (instance) => {
      instance.archive = env.ARCHIVE;
    });
    expect(await runDurableObjectAlarm(buffer())).toBe(true);
    const written = await files();
    expect(written).toHaveLength(1);
    expect(byId(written[0]?.events ?? [])).toEqual(byId(exposures));
    expect((await held()).events).toBe(0);
  });

  it("writes a backlog from an R2 outage in files of at most 20,000 rows, trying R2 once per alarm meanwhile", async () => {
    await runInDurableObject(buffer(), (instance) => {
      instance.archive = { put: () => Promise.reject(new Error("R2 is down")) } satisfies ArchiveBucket;
    });
    const exposures = Array.from({ length: 25_000 }, (_, i) => exposure(i));
    await consumeAll(exposures);
    // The batch that reached the count tried and failed; the 15 after it left the retry to the alarm.
    expect(faultCodes(errors)).toEqual(["archive_flush_failed"]);

    await runInDurableObject(buffer(), (instance) => {
      instance.archive = env.ARCHIVE;
    });
    expect(await runDurableObjectAlarm(buffer())).toBe(true);
    const written = await files();
    expect(written.map((file) => file.events.length).sort((a, b) => a - b)).toEqual([5_000, MAX_FILE_ROWS]);
    expect(byId(written.flatMap((file) => file.events))).toEqual(byId(exposures));
    expect((await held()).events).toBe(0);
  });

  it("writes only the rows a flush read: events arriving during its PUT stay for the next file, none twice", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let putStarted = () => {};
    const started = new Promise<void>((resolve) => {
      putStarted = resolve;
    });
    await runInDurableObject(buffer(), (instance) => {
      const real = env.ARCHIVE as R2Bucket;
      instance.archive = {
        async put(key, value, options) {
          putStarted();
          await gate;
          return real.put(key, value, options);
        },
      } satisfies ArchiveBucket;
    });
    const exposures = Array.from({ length: COUNT + 1000 }, (_, i) => exposure(i));
    await consumeAll(exposures.slice(0, COUNT - 1000));
    const reaching = consume(packs(exposures.slice(COUNT - 1000, COUNT), 10));
    await started;
    const during = consume(packs(exposures.slice(COUNT), 10));
    release();
    for (const result of [await reaching, await during])
      expect(result.explicitAcks.sort()).toEqual(result.ids);

    const written = await files();
    expect(written).toHaveLength(1);
    expect(byId(written[0]?.events ?? [])).toEqual(byId(exposures.slice(0, COUNT)));
    expect((await held()).events).toBe(1000);
    await age();
    await runInDurableObject(buffer(), (instance) => {
      instance.archive = env.ARCHIVE;
    });
    expect(await runDurableObjectAlarm(buffer())).toBe(true);
    const ids = (await files()).flatMap((file) => file.events.map((event) => event.id));
    expect(ids.sort()).toEqual(exposures.map((event) => event.id).sort());
  });

  it("drops the events of a visitor `stylist forget` marked when it next writes a file, and deletes marks past their week", async () => {
    const forgotten = "f".repeat(32);
    const exposures = [
      ...Array.from({ length: 300 }, (_, i) => exposure(i)),
      ...Array.from({ length: 20 }, (_, i) => exposure(i, { visitor: forgotten })),
    ];
    const conversions = [{ ...conversion(1), visitor: forgotten }];
    await consumeAll([...exposures, ...conversions]);
    const now = Date.now();
    await env.RULES.put(forgottenKey(forgotten, now), "");
    const stale = forgottenKey("e".repeat(32), now - FORGOTTEN_KEEP_MS - 1);
    await env.RULES.put(stale, "");

    await age();
    expect(await runDurableObjectAlarm(buffer())).toBe(true);
    const written = await files();
    // The conversion partition held only the forgotten visitor's event: no file at all.
    expect(written.map((file) => file.key.replace(/part-.*$/, ""))).toEqual([
      "events/dt=2026-12-03/type=exposure/",
    ]);
    expect(byId(written.flatMap((file) => file.events))).toEqual(byId(exposures.slice(0, 300)));
    expect(await held()).toMatchObject({ events: 0, alarm: null });
    expect((await env.RULES.list({ prefix: FORGOTTEN_PREFIX })).keys.map((key) => key.name)).toEqual([
      forgottenKey(forgotten, now),
    ]);
  });

  it("retries the messages when the buffer cannot store them, and when its settings are unusable", async () => {
    const failing = {
      idFromName: (name: string) => name,
      get: () => ({ append: () => Promise.reject(new Error("buffer unavailable")) }),
    } as unknown as DurableObjectNamespace;
    const down = await consume(packs([exposure(1), exposure(2)], 1), { ARCHIVE_BUFFER: failing });
    expect(down.explicitAcks).toEqual([]);
    expect(down.retryMessages.map((retry) => retry.msgId).sort()).toEqual(down.ids);

    const misconfigured = await consume([exposure(3)], { ARCHIVE_BUFFER_EVENTS: "ten thousand" });
    expect(misconfigured.retryMessages.map((retry) => retry.msgId)).toEqual(misconfigured.ids);
    expect(faultCodes(errors)).toEqual(["sink_write_failed", "sink_misconfigured"]);
    expect((await held()).events).toBe(0);
  });
});
