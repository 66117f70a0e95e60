import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { parquetReadObjects } from "hyparquet";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { StylistEvent } from "../../src/core/schema/event.ts";
import { ARCHIVE_SCHEMA_VERSION, eventOfArchiveRow } from "../../src/sink/archive-row.ts";
import type { Env } from "../../src/worker/env.ts";
import worker from "../../src/worker/index.ts";
import { faultCodes } from "./helpers.ts";

/**
 * The R2 archive sink end to end in workerd: the queue consumer, with SINK = "r2", writes Parquet files into the
 * (Miniflare-emulated) R2 bucket under day and type partitions, and what is read back is the events that went in.
 */
const DAY_1 = Date.UTC(2026, 10, 30, 23, 59, 59, 500);
const DAY_2 = Date.UTC(2026, 11, 1, 0, 0, 1);

let errors: MockInstance;
beforeEach(async () => {
  errors = vi.spyOn(console, "error").mockImplementation(() => {});
  const listed = await env.ARCHIVE?.list({ prefix: "events/" });
  for (const object of listed?.objects ?? []) await env.ARCHIVE?.delete(object.key);
});
afterEach(() => errors.mockRestore());

function exposure(ts: number, overrides: Partial<StylistEvent> = {}): StylistEvent {
  return {
    id: crypto.randomUUID(),
    type: "exposure",
    ts,
    visitor: crypto.randomUUID().replaceAll("-", ""),
    experiment: "archive-test",
    variant: "control",
    phase: 2,
    rulesVersion: 7,
    path: "/",
    device: "mobile",
    country: "GB",
    segments: ["keen-runner"],
    ...overrides,
  } as StylistEvent;
}

function conversion(ts: number): StylistEvent {
  return {
    id: crypto.randomUUID(),
    type: "conversion",
    ts,
    visitor: "c".repeat(32),
    goal: "purchase",
    value: 12_999,
    currency: "GBP",
    orderId: `FS-${crypto.randomUUID()}`,
    path: "/checkout",
  };
}

async function consume(bodies: readonly unknown[], overrides: Partial<Env> = {}, attempt = 1) {
  // ARCHIVE_BUFFER unbound: the unbuffered path, a file per partition per batch (archive-buffer.test.ts covers the buffer).
  overrides = { ARCHIVE_BUFFER: undefined, ...overrides };
  const batch = createMessageBatch(
    "stylist-events",
    bodies.map((body, i) => ({ id: `m-${attempt}-${i}`, timestamp: new Date(), attempts: attempt, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, SINK: "r2", ...overrides });
  return getQueueResult(batch, ctx);
}

async function archived(): Promise<Map<string, StylistEvent[]>> {
  const bucket = env.ARCHIVE as R2Bucket;
  const files = new Map<string, StylistEvent[]>();
  for (const object of (await bucket.list({ prefix: "events/" })).objects) {
    const body = await (await bucket.get(object.key))?.arrayBuffer();
    if (!body) throw new Error(`${object.key} vanished`);
    const rows = await parquetReadObjects({ file: body });
    for (const row of rows) expect(row.schema_version).toBe(ARCHIVE_SCHEMA_VERSION);
    files.set(
      object.key,
      rows.map((row) => eventOfArchiveRow(row) as StylistEvent),
    );
  }
  return files;
}

describe("the R2 Parquet archive sink", () => {
  it("writes one Parquet file per UTC day and event type, and every event reads back as it was sent", async () => {
    const events = [
      exposure(DAY_1),
      exposure(DAY_2, { variant: "promise", segments: undefined }),
      conversion(DAY_2),
    ];
    const result = await consume([{ events: events.slice(0, 2) }, events[2]]);
    expect(result.explicitAcks.sort()).toEqual(["m-1-0", "m-1-1"]);

    const files = await archived();
    const partitions = [...files.keys()].map((key) => key.replace(/part-.*$/, "")).sort();
    expect(partitions).toEqual([
      "events/dt=2026-11-30/type=exposure/",
      "events/dt=2026-12-01/type=conversion/",
      "events/dt=2026-12-01/type=exposure/",
    ]);
    for (const key of files.keys()) expect(key).toMatch(/\/part-\d+-[0-9a-f-]{36}\.parquet$/);
    const back = [...files.values()].flat().sort((a, b) => a.ts - b.ts || a.id.localeCompare(b.id));
    const sent = [...events].sort((a, b) => a.ts - b.ts || a.id.localeCompare(b.id));
    expect(back).toEqual(sent);
  });

  it("keeps a redelivered batch's events (at-least-once) under the same ids, for readers to remove", async () => {
    const events = [exposure(DAY_2), exposure(DAY_2)];
    await consume([{ events }]);
    await consume([{ events }], {}, 2);
    const ids = [...(await archived()).values()].flat().map((event) => event.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids)).toEqual(new Set(events.map((event) => event.id)));
  });

  it("retries the batch when the bucket refuses the write, and stores the events on the retry", async () => {
    const events = [exposure(DAY_1), conversion(DAY_1)];
    const refusing = { put: () => Promise.reject(new Error("R2 is down")) } as unknown as R2Bucket;
    const failed = await consume(events, { ARCHIVE: refusing });
    expect(failed.explicitAcks).toEqual([]);
    expect(failed.retryMessages.map((retry) => retry.msgId).sort()).toEqual(["m-1-0", "m-1-1"]);
    expect(faultCodes(errors)).toEqual(["sink_write_failed"]);
    expect(await archived()).toEqual(new Map());

    const retried = await consume(events, {}, 2);
    expect(retried.explicitAcks.sort()).toEqual(["m-2-0", "m-2-1"]);
    expect([...(await archived()).values()].flat()).toHaveLength(2);
  });

  it("retries, and says why, when SINK names the archive but no bucket is bound", async () => {
    const result = await consume([exposure(DAY_1)], { ARCHIVE: undefined });
    expect(result.retryMessages.map((retry) => retry.msgId)).toEqual(["m-1-0"]);
    expect(faultCodes(errors)).toEqual(["sink_misconfigured"]);
  });

  it("retries on a SINK value it does not know instead of writing somewhere else", async () => {
    const result = await consume([exposure(DAY_1)], { SINK: "s3" });
    expect(result.retryMessages.map((retry) => retry.msgId)).toEqual(["m-1-0"]);
    expect(faultCodes(errors)).toEqual(["sink_misconfigured"]);
    expect(await archived()).toEqual(new Map());
  });
});

describe("the Pipelines sink through the consumer", () => {
  it("sends each valid event to the stream binding once and acknowledges the messages", async () => {
    const received: Array<Record<string, unknown>> = [];
    const events = [exposure(DAY_1), conversion(DAY_2)];
    const result = await consume([{ events }, { type: "exposure", visitor: "<script>" }], {
      SINK: "pipelines",
      PIPELINE: { send: async (records) => void received.push(...records) },
    });
    expect(result.explicitAcks.sort()).toEqual(["m-1-0", "m-1-1"]);
    expect(received.map((record) => eventOfArchiveRow(record))).toEqual(events);
    expect(faultCodes(errors)).toEqual(["event_invalid"]);
  });

  it("retries when the stream refuses, and when no stream is bound", async () => {
    const down = await consume([exposure(DAY_1)], {
      SINK: "pipelines",
      PIPELINE: { send: () => Promise.reject(new Error("stream unavailable")) },
    });
    expect(down.retryMessages.map((retry) => retry.msgId)).toEqual(["m-1-0"]);
    const unbound = await consume([exposure(DAY_1)], { SINK: "pipelines" });
    expect(unbound.retryMessages.map((retry) => retry.msgId)).toEqual(["m-1-0"]);
    expect(faultCodes(errors)).toEqual(["sink_write_failed", "sink_misconfigured"]);
  });
});
