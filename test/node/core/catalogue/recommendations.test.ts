import { describe, expect, it } from "vitest";
import { indexCatalogue } from "../../../../src/core/catalogue/catalogue-index.ts";
import {
  forYou,
  forYouAnchors,
  type RecommendationTable,
  relatedTo,
} from "../../../../src/core/catalogue/recommendations.ts";
import type { RecItem } from "../../../../src/core/schema/recommendations.ts";

const product = (slug: string, extra = {}) => ({
  slug,
  name: slug,
  url: `/products/${slug}`,
  price: 100,
  currency: "GBP",
  category: "c",
  ...extra,
});
const index = indexCatalogue({
  products: ["tent", "mat", "stove", "lamp", "chair", "mug"]
    .map((slug) => product(slug))
    .concat(product("gone", { inStock: false })),
});
const item = (slug: string, score = 0.5): RecItem => ({ slug, score, source: "co-view" });
const table: RecommendationTable = {
  version: 3,
  lists: new Map([
    ["tent", [item("gone"), item("mat", 0.9), item("retired"), item("stove", 0.5)]],
    ["lamp", [item("chair", 0.6), item("stove", 0.4)]],
  ]),
  bestsellers: [item("mug"), item("lamp")],
};
const slugs = (list: Array<{ product: { slug: string } }>) => list.map((entry) => entry.product.slug);

describe("recommendations at render time", () => {
  it("related: the product's list less what left the catalogue, went out of stock or is in the basket", () => {
    expect(slugs(relatedTo(table, index, "tent", new Set(), 4))).toEqual(["mat", "stove"]);
    expect(slugs(relatedTo(table, index, "tent", new Set(["mat"]), 4))).toEqual(["stove"]);
    expect(relatedTo(table, index, "tent", new Set(), 4)[0]).toMatchObject({ because: "tent", score: 0.9 });
    // A product the table does not know (new since the build) gets the bestsellers.
    expect(slugs(relatedTo(table, index, "chair", new Set(), 4))).toEqual(["mug", "lamp"]);
  });

  it("forYou: viewed products first, then bought ones, merged; never an anchor; bestsellers with no anchor", () => {
    expect(forYouAnchors(["tent"], ["lamp", "tent"])).toEqual(["tent", "lamp"]);
    const picks = forYou(table, index, forYouAnchors(["tent"], ["lamp"]), new Set(), 4);
    expect(slugs(picks)).toEqual(["mat", "stove", "chair"]);
    expect(picks.find((entry) => entry.product.slug === "chair")?.because).toBe("lamp");
    expect(slugs(forYou(table, index, [], new Set(), 4))).toEqual(["mug", "lamp"]);
  });
});
