import { describe, expect, it } from "vitest";
import type { StylistEvent } from "../../../src/core/schema/event.ts";
import { aggregate, createAggregator } from "../../../src/report/aggregate.ts";
import { type ArmSums, goalOf, type SegmentData } from "../../../src/report/sums.ts";
import { conversion, DAY, exposure, miss } from "../../support/report-events.ts";

async function hero(
  events: StylistEvent[],
  options: Parameters<typeof aggregate>[1] = {},
): Promise<SegmentData> {
  const result = await aggregate(events, options);
  const segment = result.segments.find((s) => s.experiment === "hero" && s.phase === 1);
  if (!segment) throw new Error("no hero phase 1");
  return segment;
}

const arm = (segment: SegmentData, id: string): ArmSums => {
  const sums = segment.arms.get(id);
  if (!sums) throw new Error(`no arm ${id}`);
  return sums;
};

describe("report aggregation", () => {
  it("charts a converter on the day of their earliest conversion, even when a later one comes first in the input", async () => {
    const segment = await hero([
      exposure("ann", "promise", 0),
      conversion("ann", (2 * DAY) / 60_000),
      conversion("ann", 30),
    ]);
    expect(segment.daily.arms.get("promise")?.converters.get("purchase")).toEqual([1, 1, 1]);
  });

  it("counts an order from the report the reader says wins, whichever comes first", async () => {
    const browser = conversion("ann", 10, { orderId: "FS-1", value: 100, reportedBy: "browser" });
    const server = conversion("ann", 12, { orderId: "FS-1", value: 150, reportedBy: "server" });
    const segment = await hero([exposure("ann", "promise", 0), browser, server], {
      countsOrder: (event) => event.id === server.id,
    });
    expect(goalOf(arm(segment, "promise"), "purchase")).toMatchObject({ orders: 1, revenue: 150 });
  });

  it("lets the first exposure fix the visitor's arm; more exposures in the same arm change nothing", async () => {
    const segment = await hero([
      exposure("ann", "promise", 0),
      exposure("ann", "promise", 5),
      exposure("ann", "promise", 60),
      exposure("bob", "control", 1),
    ]);
    expect(arm(segment, "promise").visitors).toBe(1);
    expect(arm(segment, "control").visitors).toBe(1);
    expect(segment.crossovers).toBe(0);
  });

  it("counts a visitor exposed to two arms in the arm of their first exposure, and counts the crossover there", async () => {
    const events = [
      exposure("ann", "control", 0),
      exposure("ann", "promise", 10),
      exposure("bob", "control", 1),
      exposure("cat", "promise", 2),
      conversion("ann", 20, { value: 5000, orderId: "a1" }),
    ];
    const segment = await hero(events);
    expect(segment.crossovers).toBe(1);
    expect(segment.crossoversByArm).toEqual(new Map([["control", 1]]));
    expect(arm(segment, "control").visitors).toBe(2);
    expect(arm(segment, "promise").visitors).toBe(1);
    expect(goalOf(arm(segment, "control"), "purchase").converters).toBe(1);
    expect(goalOf(arm(segment, "promise"), "purchase").converters).toBe(0);
    // The same visitor, exposures out of order: the earlier exposure still decides.
    const reversed = await hero([events[1], events[0], ...events.slice(2)] as StylistEvent[]);
    expect(arm(reversed, "control").visitors).toBe(2);
    expect(reversed.crossoversByArm).toEqual(new Map([["control", 1]]));
  });

  it("leaves crossovers out of every figure with the rule exclude, still counting them per first arm", async () => {
    const segment = await hero(
      [
        exposure("ann", "control", 0),
        exposure("ann", "promise", 10),
        exposure("bob", "control", 1),
        exposure("cat", "promise", 2),
        conversion("ann", 20, { value: 5000, orderId: "a1" }),
      ],
      { crossovers: "exclude" },
    );
    expect(segment.crossovers).toBe(1);
    expect(segment.crossoversByArm).toEqual(new Map([["control", 1]]));
    expect(arm(segment, "control").visitors).toBe(1);
    expect(goalOf(arm(segment, "control"), "purchase").converters).toBe(0);
  });

  it("keeps phases apart: the same visitor in two phases is counted in each, never a crossover", async () => {
    const result = await aggregate([
      exposure("ann", "control", 0),
      exposure("ann", "promise", 10, { phase: 2 }),
    ]);
    expect(result.segments.map((s) => [s.phase, s.crossovers, [...s.arms.keys()]])).toEqual([
      [1, 0, ["control"]],
      [2, 0, ["promise"]],
    ]);
  });

  it("ignores conversions before the visitor's first exposure", async () => {
    const segment = await hero([
      exposure("ann", "promise", 30),
      exposure("bob", "control", 30),
      conversion("ann", 10, { value: 1000 }),
      conversion("bob", 30, { value: 2000 }),
    ]);
    expect(goalOf(arm(segment, "promise"), "purchase").converters).toBe(0);
    // At the same millisecond as the exposure counts.
    expect(goalOf(arm(segment, "control"), "purchase")).toMatchObject({ converters: 1, revenue: 2000 });
  });

  it("counts conversions only within the attribution window after the first exposure, inclusive", async () => {
    const events = [
      exposure("ann", "promise", 0),
      exposure("bob", "promise", 0),
      conversion("ann", 7 * 24 * 60, { value: 100 }),
      conversion("bob", 7 * 24 * 60 + 1, { value: 100 }),
    ];
    const windowed = await hero(events, { windowMs: 7 * DAY });
    expect(goalOf(arm(windowed, "promise"), "purchase").converters).toBe(1);
    const unlimited = await hero(events);
    expect(goalOf(arm(unlimited, "promise"), "purchase").converters).toBe(2);
  });

  it("counts a redelivered event once and an order reported twice once", async () => {
    const purchase = conversion("ann", 5, { value: 4000, orderId: "o-1" });
    const aggregator = createAggregator();
    for (const event of [
      exposure("ann", "promise", 0),
      purchase,
      purchase,
      conversion("ann", 6, { value: 4000, orderId: "o-1" }),
      conversion("ann", 7, { goal: "newsletter", orderId: "o-1" }),
    ]) {
      aggregator.add(event);
    }
    const result = aggregator.finish();
    const promise = result.segments[0]?.arms.get("promise");
    expect(goalOf(promise, "purchase")).toMatchObject({ converters: 1, orders: 1, revenue: 4000 });
    // The order id is per goal: another goal's "o-1" is a different conversion.
    expect(goalOf(promise, "newsletter").converters).toBe(1);
    expect(result.input).toMatchObject({ duplicateConversions: 1, duplicateOrders: 1 });
  });

  it("does not count an order again after exposure when its first report came before", async () => {
    const segment = await hero([
      exposure("ann", "promise", 10),
      conversion("ann", 5, { value: 4000, orderId: "o-1" }),
      conversion("ann", 15, { value: 4000, orderId: "o-1" }),
    ]);
    expect(goalOf(arm(segment, "promise"), "purchase").orders).toBe(0);
  });

  it("counts an order id once across visitors: the first report wins, as in the sink", async () => {
    const segment = await hero([
      exposure("ann", "promise", 0),
      exposure("bob", "control", 0),
      exposure("cat", "control", 0),
      conversion("ann", 5, { value: 4000, orderId: "o-1" }),
      // The same order reported again under another visitor id (a shared device, a backend retry).
      conversion("bob", 6, { value: 4000, orderId: "o-1" }),
      // First reported by a visitor who was never exposed: it still counts as reported.
      conversion("dan", 6, { value: 3000, orderId: "o-2" }),
      conversion("cat", 7, { value: 3000, orderId: "o-2" }),
    ]);
    expect(goalOf(arm(segment, "promise"), "purchase")).toMatchObject({ orders: 1, revenue: 4000 });
    expect(goalOf(arm(segment, "control"), "purchase")).toMatchObject({ orders: 0, revenue: 0 });
  });

  it("holds more visitors than one Map's limit (injected small), counting each once", () => {
    // The real limit is V8's 2²⁴ entries per Map; 40 stands in for it.
    const aggregator = createAggregator({ shardLimit: 40 });
    for (let i = 0; i < 2_000; i++) aggregator.add(exposure(`v${i}`, i % 2 ? "control" : "promise", i));
    for (let i = 0; i < 2_000; i++)
      aggregator.add(exposure(`v${i}`, i % 2 ? "control" : "promise", i + 5000));
    for (let i = 0; i < 2_000; i += 2) aggregator.add(conversion(`v${i}`, i + 10, { orderId: `o${i}` }));
    const result = aggregator.finish();
    expect(result.segments[0]?.arms.get("control")?.visitors).toBe(1_000);
    expect(result.segments[0]?.arms.get("promise")?.visitors).toBe(1_000);
    expect(result.segments[0]?.crossovers).toBe(0);
    expect(goalOf(result.segments[0]?.arms.get("promise"), "purchase").converters).toBe(1_000);
  });

  it("fails with a clear message, not V8's RangeError, when even the spare Maps are full", () => {
    const aggregator = createAggregator({ shardLimit: 10, maxShards: 3 });
    expect(() => {
      for (let i = 0; i < 31; i++) aggregator.add(exposure(`v${i}`, "control", i));
    }).toThrow(
      /too many visitors for one report pass \(30\): narrow the report with --experiment and --phase/,
    );
  });

  it("ignores misses", async () => {
    const result = await aggregate([miss("ann", "promise", 0), exposure("bob", "control", 0)]);
    expect(result.segments[0]?.arms.get("promise")).toBeUndefined();
    expect(result.input.misses).toBe(1);
  });

  it("keeps each visitor's revenue and orders as one unit: Σx, Σx², Σy, Σy², Σxy over visitors", async () => {
    const segment = await hero([
      exposure("ann", "promise", 0),
      exposure("bob", "promise", 0),
      exposure("cat", "promise", 0),
      conversion("ann", 1, { value: 3000, orderId: "a" }),
      conversion("ann", 2, { value: 1000, orderId: "b" }),
      conversion("bob", 3, { value: 2000, orderId: "c" }),
    ]);
    const promise = arm(segment, "promise");
    // ann: 4000 over 2 orders; bob: 2000 over 1; cat: nothing.
    expect(promise.visitors).toBe(3);
    expect(goalOf(promise, "purchase")).toMatchObject({
      converters: 2,
      orders: 3,
      revenue: 6000,
      revenueSquares: 4000 ** 2 + 2000 ** 2,
      ordersSquares: 2 ** 2 + 1,
      revenueOrders: 4000 * 2 + 2000 * 1,
      valued: true,
    });
  });

  it("keeps cumulative daily counts per arm, each visitor on the day of first exposure and first conversion", async () => {
    const segment = await hero([
      exposure("ann", "promise", 0),
      exposure("bob", "promise", 24 * 60 + 5),
      exposure("cat", "control", 2 * 24 * 60),
      conversion("ann", 2 * 24 * 60 + 10),
      conversion("ann", 2 * 24 * 60 + 20),
    ]);
    expect(segment.daily.days).toBe(3);
    expect(segment.daily.arms.get("promise")?.visitors).toEqual([1, 2, 2]);
    expect(segment.daily.arms.get("promise")?.converters.get("purchase")).toEqual([0, 0, 1]);
    expect(segment.daily.arms.get("control")?.visitors).toEqual([0, 0, 1]);
  });

  it("attributes the same way whatever the order of the exposures, when they come before the conversions", async () => {
    const exposures = [
      exposure("ann", "promise", 50),
      exposure("ann", "promise", 10),
      exposure("bob", "control", 0),
    ];
    const conversions = [conversion("ann", 20, { value: 700 }), conversion("bob", 5, { value: 300 })];
    const result = await aggregate([...exposures, ...conversions]);
    expect(result.input.outOfOrder).toBe(0);
    const segment = result.segments[0] as SegmentData;
    expect(goalOf(segment.arms.get("promise"), "purchase").revenue).toBe(700);
    expect(goalOf(segment.arms.get("control"), "purchase").revenue).toBe(300);
  });

  it("counts exposures that arrive after a later conversion, so the report can warn", async () => {
    const result = await aggregate([conversion("ann", 20), exposure("ann", "promise", 10)]);
    expect(result.input.outOfOrder).toBe(1);
  });

  it("breaks down by the first exposure's dimension; a visitor in two segments counts in both", async () => {
    const segment = await hero(
      [
        exposure("ann", "promise", 0, { segments: ["returning", "mobile-shoppers"] }),
        exposure("bob", "promise", 0),
        exposure("cat", "control", 0, { segments: ["returning"] }),
      ],
      { by: "segment" },
    );
    const visitors = (group: string, id: string) => segment.groups?.get(group)?.get(id)?.visitors ?? 0;
    expect(visitors("returning", "promise")).toBe(1);
    expect(visitors("mobile-shoppers", "promise")).toBe(1);
    expect(visitors("(none)", "promise")).toBe(1);
    expect(visitors("returning", "control")).toBe(1);
  });

  it("keeps no state for conversions of visitors who were never exposed", async () => {
    const result = await aggregate([
      exposure("ann", "promise", 0),
      conversion("zed", 5),
      conversion("yan", 6),
    ]);
    expect(result.input.unattributed).toBe(2);
    expect(goalOf(result.segments[0]?.arms.get("promise"), "purchase").converters).toBe(0);
  });
});
