import { describe, expect, it } from "vitest";
import type { ConversionEvent } from "../../../src/core/schema/event.ts";
import { buildFrom, DAY, NOW, product } from "./support.ts";

let sequence = 0;
const visitorOf = (n: number) => n.toString(16).padStart(32, "0");
function view(visitor: number, ts: number, slug: string): ConversionEvent {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, "0")}`,
    type: "conversion",
    ts,
    visitor: visitorOf(visitor),
    path: `/products/${slug}`,
    device: "desktop",
    goal: "pdp_view",
    reportedBy: "page",
    products: [slug],
  };
}

/** `sessions` visitors each viewing these products together, one minute apart, `age` before NOW. */
function together(slugs: string[], sessions: number, age: number, firstVisitor: number): ConversionEvent[] {
  return Array.from({ length: sessions }, (_, s) =>
    slugs.map((slug, i) => view(firstVisitor + s, NOW - age + s * 1_000 + i * 60_000, slug)),
  ).flat();
}

const open = {
  minSessions: 0,
  minOrders: 0,
  maxAgeHours: 1e6,
  maxBotShare: 1,
  minCoverage: 0,
  maxConcentration: 1,
};

describe("recommend build's filters", () => {
  const catalogue = [
    product("tent", "camping", { brand: "Haar" }),
    product("mat", "camping", { brand: "Haar" }),
    product("stove", "camping", { brand: "Haar" }),
    product("lamp", "camping", { brand: "Skarn" }),
    product("gone", "camping", { brand: "Skarn", inStock: false }),
    product("boots", "hiking"),
  ];

  it("never lists the product itself, a product out of stock or outside the catalogue, or more of one brand than the cap", async () => {
    const events = together(["tent", "mat", "stove", "lamp", "gone", "retired"], 20, DAY, 1);
    const built = await buildFrom(events, catalogue, { windowDays: 7, brandCap: 1, gates: open });
    const tent = built.lists.get("tent")?.map((item) => item.slug) ?? [];
    expect(tent).not.toContain("tent");
    expect(tent).not.toContain("gone");
    expect(tent).not.toContain("retired");
    const haar = tent.filter((slug) => ["mat", "stove"].includes(slug));
    expect(haar).toHaveLength(1);
    expect(tent).toContain("lamp");
  });

  it("learns nothing from pairs below the minimum support, and falls back to the category, then bestsellers", async () => {
    const events = [...together(["tent", "mat"], 2, DAY, 1), ...together(["lamp"], 5, DAY, 100)];
    const built = await buildFrom(events, catalogue, { windowDays: 7, minSupport: 3, gates: open });
    const tent = built.lists.get("tent") ?? [];
    expect(tent.every((item) => item.source === "category" || item.source === "bestseller")).toBe(true);
    expect(tent[0]).toMatchObject({ slug: "lamp", source: "category" });
    const boots = built.lists.get("boots") ?? [];
    expect(boots.every((item) => item.source === "bestseller")).toBe(true);
  });

  it("ranks a pair seen recently above one seen as often long ago (recency decay), and rare pairs below common ones (shrinkage)", async () => {
    const events = [
      ...together(["tent", "mat"], 10, 2 * DAY, 1),
      ...together(["tent", "stove"], 10, 40 * DAY, 100),
      ...together(["tent", "lamp"], 3, 2 * DAY, 200),
      ...together(["mat", "stove", "lamp"], 10, 3 * DAY, 300),
    ];
    const built = await buildFrom(events, catalogue, { windowDays: 56, halfLifeDays: 7, gates: open });
    const order = built.lists.get("tent")?.map((item) => item.slug) ?? [];
    expect(order.indexOf("mat")).toBeLessThan(order.indexOf("stove"));
    expect(order.indexOf("mat")).toBeLessThan(order.indexOf("lamp"));
  });
});

describe("recommend build's gates", () => {
  const catalogue = Array.from({ length: 10 }, (_, i) => product(`p${i}`, "c"));

  it("fails and says so when sessions, orders or freshness fall short, and passes with enough recent behaviour", async () => {
    const events = together(["p0", "p1"], 30, 10 * DAY, 1);
    const built = await buildFrom(events, catalogue, {
      windowDays: 28,
      gates: { ...open, minSessions: 31, minOrders: 1, maxAgeHours: 24 },
    });
    const failed = built.gates.filter((gate) => !gate.passed).map((gate) => gate.name);
    expect(failed).toEqual(["sessions in the window", "orders in the window", "newest event age"]);
    const fine = await buildFrom(events, catalogue, { windowDays: 28, gates: { ...open, minSessions: 30 } });
    expect(fine.gates.every((gate) => gate.passed)).toBe(true);
  });

  it("leaves bot-like visitors out of what is learnt, and fails when they are too large a share", async () => {
    const people = together(["p0", "p1"], 30, DAY, 1);
    // One visitor viewing p2 and p3 400 times in a day: no person does that.
    const bot = Array.from({ length: 400 }, (_, i) =>
      view(9_999, NOW - DAY + i * 1_000, i % 2 ? "p2" : "p3"),
    );
    const built = await buildFrom([...people, ...bot], catalogue, {
      windowDays: 7,
      gates: { ...open, maxBotShare: 0.05 },
    });
    expect(built.gates.find((gate) => gate.name.startsWith("bot share"))?.passed).toBe(false);
    expect(built.lists.get("p2")?.some((item) => item.slug === "p3" && item.source.startsWith("co-"))).toBe(
      false,
    );
  });

  it("fails coverage and concentration when only bestsellers fill the lists", async () => {
    const events = together(["p0", "p1"], 30, DAY, 1);
    const built = await buildFrom(events, catalogue, {
      windowDays: 7,
      k: 2,
      gates: { ...open, minCoverage: 0.5, maxConcentration: 0.5 },
    });
    const failed = built.gates.filter((gate) => !gate.passed).map((gate) => gate.name);
    expect(failed).toEqual([
      "catalogue coverage (learnt lists)",
      "concentration (top 10 products' share of slots)",
    ]);
  });
});
