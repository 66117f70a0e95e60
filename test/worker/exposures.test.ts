import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StylistEvent } from "../../src/core/schema/event.ts";
import worker from "../../src/worker/index.ts";
import { heroExperiment } from "../fixtures/experiments.ts";
import { publish, storedEvents, visit, visitorCookie, visitorIdOf, waitForEvents } from "./helpers.ts";

async function eventsFor(visitor: string, expected: number) {
  const deadline = Date.now() + 8_000;
  for (;;) {
    const events = (await storedEvents()).filter((event) => event.visitor === visitor);
    if (events.length >= expected || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("exposure events", () => {
  it("stores a UTM source without the control and bidi characters a visitor put in it, and keeps the exposure", async () => {
    await publish([heroExperiment()]);
    const first = await visit("/?utm_source=%1B%5B2Jnews%07letter%E2%80%AE%00");
    await first.text();
    const events = await eventsFor(visitorIdOf(visitorCookie(first)), 1);
    expect(events.map((event) => event.source)).toEqual(["[2jnewsletter"]);
  });

  it("logs each page view's exposure through the queue into D1, one row per visitor and arm with every view counted", async () => {
    await publish([heroExperiment()]);
    const first = await visit("/");
    await first.text();
    const cookie = visitorCookie(first);
    const visitor = visitorIdOf(cookie);
    const [stored] = await eventsFor(visitor, 1);
    await (await visit("/", { cookie })).text();
    const deadline = Date.now() + 8_000;
    let events = await eventsFor(visitor, 1);
    while (Number(events[0]?.views) < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      events = await eventsFor(visitor, 1);
    }
    // migrations/0003: the first exposure is the row; the second view folds into it.
    expect(events).toHaveLength(1);
    const [row] = events;
    expect(row).toMatchObject({
      type: "exposure",
      experiment: "hero-headline",
      path: "/",
      phase: 1,
      views: 2,
    });
    expect(["control", "promise"]).toContain(row?.variant);
    expect(row?.id).toBe(stored?.id);
    expect(row?.ts).toBe(stored?.ts);
    expect(Number(row?.last_seen)).toBeGreaterThanOrEqual(Number(row?.ts));
  });

  it("logs control exposures as well as variant exposures", async () => {
    await publish([heroExperiment()]);
    const visitors: string[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await visit("/");
      await response.text();
      visitors.push(visitorIdOf(visitorCookie(response)));
    }
    await waitForEvents(20, "hero-headline");
    const variants = new Set(
      (await storedEvents("hero-headline"))
        .filter((e) => visitors.includes(e.visitor as string))
        .map((e) => e.variant),
    );
    expect(variants).toEqual(new Set(["control", "promise"]));
  });

  it("logs no exposure when the experiment's target is not in the page (at most a sampled miss)", async () => {
    await publish([heroExperiment()]);
    const response = await visit("/about");
    expect(await response.text()).not.toContain("Tested on the fells");
    const cookie = visitorCookie(response);
    await (await visit("/", { cookie })).text();
    const events = await eventsFor(visitorIdOf(cookie), 1);
    expect(events.filter((event) => event.type === "exposure").map((event) => event.path)).toEqual(["/"]);
    for (const event of events.filter((e) => e.path === "/about")) expect(event.type).toBe("miss");
  });

  it("logs nothing for experiments that are not running", async () => {
    await publish([heroExperiment({ id: "paused-hero", status: "paused" })]);
    const response = await visit("/");
    const cookie = visitorCookie(response);
    await response.text();
    await publish([heroExperiment()]);
    await (await visit("/", { cookie })).text();
    const events = await eventsFor(visitorIdOf(cookie), 1);
    expect(events.map((event) => event.experiment)).toEqual(["hero-headline"]);
  });

  it("stores a redelivered batch once", async () => {
    const event: StylistEvent = {
      id: crypto.randomUUID(),
      type: "exposure",
      ts: Date.now(),
      visitor: "f".repeat(32),
      experiment: "redelivery",
      variant: "control",
      phase: 1,
      rulesVersion: 1,
      path: "/",
      device: "desktop",
    };
    for (let attempt = 1; attempt <= 3; attempt++) {
      const batch = createMessageBatch("stylist-events", [
        { id: `m-${attempt}`, timestamp: new Date(), attempts: attempt, body: event },
      ]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env);
      const result = await getQueueResult(batch, ctx);
      expect(result.explicitAcks).toEqual([`m-${attempt}`]);
    }
    expect(await storedEvents("redelivery")).toHaveLength(1);
  });

  it("acknowledges and drops a malformed message instead of retrying it forever", async () => {
    const batch = createMessageBatch("stylist-events", [
      { id: "bad", timestamp: new Date(), attempts: 1, body: { type: "exposure", visitor: "<script>" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["bad"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("retries the batch when the D1 write fails, so nothing is lost", async () => {
    const event = {
      id: crypto.randomUUID(),
      type: "exposure",
      ts: Date.now(),
      visitor: "e".repeat(32),
      experiment: "x",
      variant: "control",
      phase: 1,
      rulesVersion: 1,
      path: "/",
      device: "mobile",
    };
    const batch = createMessageBatch("stylist-events", [
      { id: "m", timestamp: new Date(), attempts: 1, body: event },
    ]);
    const ctx = createExecutionContext();
    const failingDb = {
      ...env.DB,
      prepare: env.DB.prepare.bind(env.DB),
      batch: () => Promise.reject(new Error("D1 is down")),
    } as unknown as D1Database;
    await worker.queue(batch, { ...env, DB: failingDb });
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toMatchObject([{ msgId: "m" }]);
    expect(result.explicitAcks).toEqual([]);
  });
});
