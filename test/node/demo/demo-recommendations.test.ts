import { describe, expect, it } from "vitest";
import { demoCatalogue } from "../../../demo/catalogue.ts";
import { demoHistory } from "../../../demo/recommendations.ts";
import { bestsellerSlugs } from "../../../demo/storefront/catalogue/index.ts";
import { buildFrom, NOW } from "../recommend/support.ts";

describe("the demo's seeded history", () => {
  it("passes every gate with the default thresholds, beats the bestsellers offline, and keeps the shop's bestsellers on top", async () => {
    const catalogue = demoCatalogue();
    const events = demoHistory(catalogue, NOW);
    expect(
      events.every((event) =>
        event.products?.every((slug) => catalogue.products.some((p) => p.slug === slug)),
      ),
    ).toBe(true);
    const built = await buildFrom(events, catalogue.products);
    expect(built.gates.filter((gate) => !gate.passed)).toEqual([]);
    const [atFour] = built.evaluation ?? [];
    expect(atFour?.model.hitRate).toBeGreaterThan(atFour?.popularity.hitRate ?? 1);
    expect(built.bestsellers[0]?.slug).toBe(bestsellerSlugs[0]);
    for (const item of built.bestsellers.slice(0, 3)) expect(bestsellerSlugs).toContain(item.slug);
  }, 60_000);
});
