import { describe, expect, it } from "vitest";
import { syntheticHistory } from "../../../demo/history.ts";
import { buildFrom, DAY, NOW, product } from "./support.ts";

// 40 products in 4 categories; products 2i and 2i+1 go together (viewed and bought together), nothing else does.
const catalogue = Array.from({ length: 40 }, (_, i) => product(`p${i}`, `c${i % 4}`, { brand: `b${i % 7}` }));
const partner = (i: number) => (i % 2 === 0 ? i + 1 : i - 1);
const companions = new Map(catalogue.map((_, i) => [`p${i}`, [`p${partner(i)}`]]));

describe("recommend build on synthetic data with planted co-purchase structure", () => {
  it("recovers each product's planted partner and beats the popularity baseline on the held-out week", async () => {
    const events = syntheticHistory(catalogue, {
      seed: "planted",
      now: NOW - DAY,
      days: 35,
      visitors: 1_500,
      companions,
      companionViewRate: 0.6,
      purchaseRate: 0.2,
    });
    const built = await buildFrom(events, catalogue, { windowDays: 35, k: 8, gates: { ...loose } });
    const recovered = catalogue.filter(
      (entry, i) => built.lists.get(entry.slug)?.[0]?.slug === `p${partner(i)}`,
    );
    expect(recovered.length).toBeGreaterThanOrEqual(36);
    const [atFour] = built.evaluation ?? [];
    expect(atFour?.k).toBe(4);
    expect(atFour?.model.cases).toBeGreaterThan(100);
    expect(atFour?.model.hitRate).toBeGreaterThan((atFour?.popularity.hitRate ?? 1) + 0.3);
    expect(atFour?.model.recall).toBeGreaterThan(atFour?.popularity.recall ?? 1);
  }, 60_000);
});

const loose = {
  minSessions: 0,
  minOrders: 0,
  maxAgeHours: 1e6,
  maxBotShare: 1,
  minCoverage: 0,
  maxConcentration: 1,
};
