import {
  createExecutionContext,
  createMessageBatch,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { StylistEvent } from "../../src/core/schema/event.ts";
import { encodeIdentity } from "../../src/core/visitor/identity.ts";
import type { Env } from "../../src/worker/env.ts";
import worker from "../../src/worker/index.ts";
import { clearRulesCache } from "../../src/worker/rules.ts";
import { alwaysVariant } from "../fixtures/experiments.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { faultCodes, publish, storedEvents } from "./helpers.ts";

/**
 * The queue and the sink failing: the producer's send (the page must not notice), and the consumer's D1 write (a
 * retry must not double-count). Redelivery, overlap and concurrency all store each event exactly once.
 */
const ALWAYS_VARIANT = alwaysVariant({ id: "queue-faults" });
const PERSONALISED = HOME_HTML.replace("Gear for every fell", "Tested on the fells");

const faults = faultCodes;

async function returningVisitor() {
  const id = crypto.randomUUID().replaceAll("-", "");
  const value = await encodeIdentity(
    { id, firstSeen: Math.floor(Date.now() / 1000), minted: false },
    env.VISITOR_SECRET,
  );
  return { id, cookie: `stylist_vid=${value}` };
}

async function page(cookie: string, overrides: Partial<Env> = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request("https://shop.example/", { headers: { cookie } }),
    { ...env, ...overrides },
    ctx,
  );
  const body = await response.text();
  await waitOnExecutionContext(ctx);
  return { response, body };
}

async function exposuresOf(visitor: string, atLeast: number) {
  const deadline = Date.now() + 8_000;
  for (;;) {
    const events = (await storedEvents("queue-faults")).filter((event) => event.visitor === visitor);
    if (events.length >= atLeast || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let errors: MockInstance<typeof console.error>;
beforeEach(async () => {
  clearRulesCache();
  await publish([ALWAYS_VARIANT]);
  errors = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => errors.mockRestore());

describe("the producer's send fails", () => {
  it.each([
    ["rejects", () => Promise.reject(new Error("queue down"))],
    [
      "throws before returning a promise",
      () => {
        throw new Error("queue binding broken");
      },
    ],
  ])(
    "serves the personalised page when sendBatch %s, logs the loss once and stores nothing",
    async (_name, sendBatch) => {
      const visitor = await returningVisitor();
      const broken = { send: sendBatch, sendBatch } as unknown as Queue<StylistEvent>;
      const { response, body } = await page(visitor.cookie, { EVENTS: broken });
      expect(response.status).toBe(200);
      expect(body).toBe(PERSONALISED);
      expect(faults(errors)).toEqual(["exposure_send_failed"]);
      // The next view, with the queue back, is the only one counted.
      await page(visitor.cookie);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await exposuresOf(visitor.id, 1)).toHaveLength(1);
    },
  );

  it("streams the whole page without waiting when sendBatch never settles", async () => {
    let release: () => void = () => {};
    const hanging = new Promise<void>((resolve) => {
      release = resolve;
    });
    const stuck = { sendBatch: () => hanging, send: () => hanging } as unknown as Queue<StylistEvent>;
    const ctx = createExecutionContext();
    const started = Date.now();
    const response = await worker.fetch(
      new Request("https://shop.example/", { headers: { cookie: (await returningVisitor()).cookie } }),
      { ...env, EVENTS: stuck },
      ctx,
    );
    expect(await response.text()).toBe(PERSONALISED);
    expect(Date.now() - started).toBeLessThan(2_000);
    release();
    await waitOnExecutionContext(ctx);
  });
});

function exposure(overrides: Partial<StylistEvent> = {}): StylistEvent {
  return {
    id: crypto.randomUUID(),
    type: "exposure",
    ts: Date.now(),
    visitor: crypto.randomUUID().replaceAll("-", ""),
    experiment: "sink-faults",
    variant: "control",
    phase: 1,
    rulesVersion: 1,
    path: "/",
    device: "desktop",
    ...overrides,
  } as StylistEvent;
}

function batchOf(events: readonly unknown[], attempt = 1) {
  return createMessageBatch(
    "stylist-events",
    events.map((body, i) => ({ id: `m-${attempt}-${i}`, timestamp: new Date(), attempts: attempt, body })),
  );
}

async function consume(events: readonly unknown[], attempt = 1, db: D1Database = env.DB) {
  const batch = batchOf(events, attempt);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, DB: db });
  return getQueueResult(batch, ctx);
}

async function rowsFor(ids: readonly string[]) {
  const events = (await env.DB.prepare("SELECT id FROM events").all<{ id: string }>()).results;
  const conversions = (await env.DB.prepare("SELECT id FROM conversions").all<{ id: string }>()).results;
  return [...events, ...conversions].filter((row) => ids.includes(row.id)).map((row) => row.id);
}

const failingDb = (prepareThrows = false) =>
  ({
    prepare: prepareThrows
      ? () => {
          throw new Error("D1 binding broken");
        }
      : env.DB.prepare.bind(env.DB),
    batch: () => Promise.reject(new Error("D1 is down")),
  }) as unknown as D1Database;

describe("the consumer's D1 write fails", () => {
  it("retries every valid message when the write fails, then stores each exactly once on the retry", async () => {
    const events = [
      exposure(),
      exposure({ variant: "promise" }),
      {
        id: crypto.randomUUID(),
        type: "conversion",
        ts: Date.now(),
        visitor: "c".repeat(32),
        goal: "purchase",
        path: "/checkout",
        orderId: `FS-${crypto.randomUUID()}`,
      } as StylistEvent,
    ];
    const failed = await consume(events, 1, failingDb());
    expect(failed.explicitAcks).toEqual([]);
    expect(failed.retryMessages.map((retry) => retry.msgId).sort()).toEqual(["m-1-0", "m-1-1", "m-1-2"]);
    expect(faults(errors)).toEqual(["sink_write_failed"]);
    expect(await rowsFor(events.map((event) => event.id))).toEqual([]);

    const retried = await consume(events, 2);
    expect(retried.explicitAcks.sort()).toEqual(["m-2-0", "m-2-1", "m-2-2"]);
    expect((await rowsFor(events.map((event) => event.id))).sort()).toEqual(events.map((e) => e.id).sort());

    // A third delivery of the same batch (the queue is at-least-once) adds nothing.
    await consume(events, 3);
    expect(await rowsFor(events.map((event) => event.id))).toHaveLength(3);
  });

  it("retries when preparing the statements throws, instead of crashing the consumer", async () => {
    const events = [exposure()];
    const result = await consume(events, 1, failingDb(true));
    expect(result.retryMessages.map((retry) => retry.msgId)).toEqual(["m-1-0"]);
    expect(faults(errors)).toEqual(["sink_write_failed"]);
  });

  it("acknowledges invalid messages at once and retries only the valid ones when the write fails", async () => {
    const valid = exposure();
    const result = await consume(
      [{ type: "exposure", visitor: "<script>" }, valid, "not an object"],
      1,
      failingDb(),
    );
    expect(result.explicitAcks.sort()).toEqual(["m-1-0", "m-1-2"]);
    expect(result.retryMessages.map((retry) => retry.msgId)).toEqual(["m-1-1"]);
    expect(faults(errors).sort()).toEqual(["event_invalid", "event_invalid", "sink_write_failed"]);
  });
});

describe("a page view's events packed into one message", () => {
  it("stores every event of a pack, and a redelivered pack adds nothing", async () => {
    const pack = { events: [exposure(), exposure({ variant: "promise" }), exposure({ type: "miss" })] };
    const first = await consume([pack], 1);
    expect(first.explicitAcks).toEqual(["m-1-0"]);
    const ids = pack.events.map((event) => event.id);
    expect((await rowsFor(ids)).sort()).toEqual([...ids].sort());
    await consume([pack], 2);
    expect(await rowsFor(ids)).toHaveLength(3);
  });

  it("drops only the invalid event of a pack and keeps its neighbours, and retries the pack when the write fails", async () => {
    const good = [exposure(), exposure()];
    const pack = { events: [good[0], { type: "exposure", visitor: "<script>" }, good[1]] };
    const failed = await consume([pack], 1, failingDb());
    expect(failed.retryMessages.map((retry) => retry.msgId)).toEqual(["m-1-0"]);
    expect(faults(errors).sort()).toEqual(["event_invalid", "sink_write_failed"]);
    await consume([pack], 2);
    expect((await rowsFor(good.map((event) => event.id))).sort()).toEqual(
      good.map((event) => event.id).sort(),
    );
  });

  it("acknowledges a pack with nothing valid in it at once", async () => {
    const result = await consume([{ events: ["nonsense", { type: "exposure" }] }, { events: [] }], 1);
    expect(result.explicitAcks.sort()).toEqual(["m-1-0", "m-1-1"]);
    expect(result.retryMessages).toEqual([]);
  });
});

describe("redelivery never double-counts", () => {
  it("stores each event once across overlapping, reordered batches", async () => {
    const [a, b, c] = [exposure(), exposure(), exposure()] as [StylistEvent, StylistEvent, StylistEvent];
    await consume([a, b], 1);
    await consume([b, c], 2);
    await consume([c, a, b], 3);
    expect((await rowsFor([a.id, b.id, c.id])).sort()).toEqual([a.id, b.id, c.id].sort());
  });

  it("stores each event once when the same batch is delivered to two consumers at the same moment", async () => {
    const events = Array.from({ length: 50 }, () => exposure());
    await Promise.all([consume(events, 1), consume(events, 2), consume([...events].reverse(), 3)]);
    expect(await rowsFor(events.map((event) => event.id))).toHaveLength(50);
  });

  it("stores one conversion per order even when each report has its own event id", async () => {
    const orderId = `FS-${crypto.randomUUID()}`;
    const report = () =>
      ({
        id: crypto.randomUUID(),
        type: "conversion",
        ts: Date.now(),
        visitor: "d".repeat(32),
        goal: "purchase",
        value: 1_000,
        currency: "GBP",
        path: "/checkout",
        orderId,
      }) as StylistEvent;
    await consume([report(), report()], 1);
    await consume([report()], 2);
    const rows = (await env.DB.prepare("SELECT * FROM conversions WHERE order_id = ?").bind(orderId).all())
      .results;
    expect(rows).toHaveLength(1);
  });
});
