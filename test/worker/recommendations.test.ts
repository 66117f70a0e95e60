import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CATALOGUE_KEY } from "../../src/core/schema/catalogue.ts";
import type { Experiment } from "../../src/core/schema/experiment.ts";
import { RECS_ACTIVE_KEY, type RecItem } from "../../src/core/schema/recommendations.ts";
import { publishTable } from "../../src/recommend/publish.ts";
import { kvRuleStore } from "../../src/rules/store.ts";
import { pushRules } from "../../src/rules/versions.ts";
import { cookieJar, faultCodes, visit, visitorCookie, waitForEvents } from "./helpers.ts";

const product = (slug: string, name: string, extra: Record<string, unknown> = {}) => ({
  slug,
  name,
  url: `/products/${slug}`,
  price: 4_999,
  currency: "GBP",
  category: "camping",
  ...extra,
});
const item = (slug: string, source: RecItem["source"] = "co-purchase"): RecItem => ({
  slug,
  score: 0.4,
  source,
});

const manifest = {
  builtAt: "2026-12-06T00:00:00.000Z",
  products: 1,
  window: { since: "", until: "" },
  params: {},
  gates: [],
  evaluation: null,
};

function experiment(id: string, op: "related" | "forYou"): Experiment {
  return {
    id,
    hypothesis: "Products bought together lift basket size",
    status: "running",
    pages: ["/home"],
    coverage: 1,
    // Almost everyone in the variant, so one visitor shows it; the control still gets traffic, as validate requires.
    variants: [
      { id: "control", weight: 0.0001, ops: [] },
      {
        id: "recs",
        weight: 100,
        ops: [{ op, selector: "#hero", position: "append", heading: "Goes with it", limit: 4 }],
      },
    ],
    metrics: { primary: "purchase", secondary: [], guardrails: [] },
  } as unknown as Experiment;
}

async function setUp(op: "related" | "forYou", id: string) {
  await env.RULES.put(
    CATALOGUE_KEY,
    JSON.stringify({
      products: [
        product("home", "Home tent"),
        product("mat", "Camp <mat> & pillow"),
        product("stove", "Stove"),
        product("gone", "Sold out", { inStock: false }),
        product("lamp", "Lamp"),
      ],
    }),
  );
  await pushRules(
    kvRuleStore(env.RULES),
    {
      experiments: [experiment(id, op)],
      settings: {
        goals: [{ id: "add_to_basket" }],
        taxonomy: [{ pattern: "/:product", type: "product" }],
        redirectHosts: [],
      },
    },
    { author: "test", message: op },
  );
}

let spy: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  spy = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => spy.mockRestore());

describe("the related op", () => {
  it("renders the product's list from the active table, escaped, without products out of stock", async () => {
    await setUp("related", "pdp-related");
    await publishTable(
      kvRuleStore(env.RULES),
      {
        lists: new Map([["home", [item("gone"), item("mat"), item("stove")]]]),
        bestsellers: [item("lamp", "bestseller")],
      },
      manifest,
    );
    const response = await visit("/home");
    const body = await response.text();
    expect(body).toContain('data-stylist="related"');
    expect(body).toContain("Camp &lt;mat&gt; &amp; pillow");
    expect(body).toContain("/products/stove");
    expect(body).not.toContain("Sold out");
    const events = await waitForEvents(1, "pdp-related");
    expect(events[0]).toMatchObject({ type: "exposure", variant: "recs" });
    expect(visitorCookie(response)).toBeTruthy();
  });

  it("with no table, serves the origin's page in every arm, logs op_failed and counts no exposure", async () => {
    await setUp("related", "pdp-related-none");
    await env.RULES.delete(RECS_ACTIVE_KEY);
    const response = await visit("/home");
    const body = await response.text();
    expect(body).not.toContain("stylist-products");
    expect(faultCodes(spy)).toContain("op_failed");
    // Another experiment's exposure would arrive by now; this one has none.
    expect(await waitForEvents(1, "pdp-related-none", 1_500)).toEqual([]);
  });
});

async function forYouTable() {
  await setUp("forYou", "pdp-for-you");
  await publishTable(
    kvRuleStore(env.RULES),
    {
      lists: new Map([
        ["home", [item("mat"), item("lamp")]],
        ["mat", [item("home"), item("stove")]],
      ]),
      bestsellers: [item("lamp", "bestseller")],
    },
    manifest,
  );
}

describe("the forYou op", () => {
  it("merges the lists of what the visitor viewed, never showing a product they viewed", async () => {
    await forYouTable();
    const body = await (await visit("/home")).text();
    const list = body.slice(body.indexOf('data-stylist="for-you"'));
    expect(list).toContain("/products/mat");
    expect(list).toContain("/products/lamp");
    expect(list).not.toContain("/products/home");
  });

  it("/_stylist/why tells a visitor shown recommendations which products they are because of", async () => {
    await forYouTable();
    const first = await visit("/home");
    await first.text();
    const cookie = cookieJar(first);
    const data = await (
      await visit("/_stylist/why", { cookie, headers: { accept: "application/json" } })
    ).json();
    expect(data).toMatchObject({ recommendations: { becauseYouLookedAt: ["Home tent"] } });
    const page = await (await visit("/_stylist/why", { cookie })).text();
    expect(page).toContain("because you looked at Home tent");
  });
});

describe("recommendations and the visitor's basket and orders", () => {
  it("never recommends what the page reported added to the basket this session", async () => {
    await setUp("related", "pdp-related-basket");
    await publishTable(
      kvRuleStore(env.RULES),
      {
        lists: new Map([
          ["home", [item("mat"), item("stove")]],
          ["lamp", [item("stove")]],
        ]),
        bestsellers: [item("lamp", "bestseller")],
      },
      manifest,
    );
    const first = await visit("/home");
    expect(await first.text()).toContain("/products/mat");
    const jar = cookieJar(first);
    const added = await visit("/_stylist/event", {
      method: "POST",
      cookie: jar,
      body: JSON.stringify({ goal: "add_to_basket", products: ["mat"] }),
      headers: { "content-type": "application/json", referer: "https://shop.example/home" },
    });
    expect(added.status).toBe(204);
    const withBasket = `${visitorCookie(first)}; ${cookieJar(added)}`;
    const again = await (await visit("/home", { cookie: withBasket })).text();
    const list = again.slice(again.indexOf('data-stylist="related"'));
    expect(list).toContain("/products/stove");
    expect(list).not.toContain("/products/mat");
  });
});
