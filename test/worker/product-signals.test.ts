import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { signServerEvent } from "../../src/core/signing/server-signature.ts";
import { kvRuleStore } from "../../src/rules/store.ts";
import { pushRules } from "../../src/rules/versions.ts";
import { heroExperiment } from "../fixtures/experiments.ts";
import { freshVisitor, storedConversions, visit, visitorCookie, visitorIdOf } from "./helpers.ts";

const SERVER_SECRET = "server-secret-0123456789abcdef";

beforeEach(async () => {
  await pushRules(
    kvRuleStore(env.RULES),
    {
      experiments: [heroExperiment()],
      settings: {
        goals: [{ id: "add_to_basket" }, { id: "pdp_view", pages: ["/home"] }],
        // The fixture origin's /home stands in for a product page: the taxonomy reads its slug from the path.
        taxonomy: [{ pattern: "/:product", type: "product" }],
        redirectHosts: [],
      },
    },
    { author: "test", message: "product signals" },
  );
});

describe("product signals for recommendations", () => {
  it("a URL goal on a page the taxonomy types as a product's names the product viewed", async () => {
    const first = await visit("/");
    const cookie = visitorCookie(first);
    await first.text();
    await (await visit("/home", { cookie })).text();
    const [row] = await storedConversions(visitorIdOf(cookie), 1);
    expect({ goal: row?.goal, products: row?.products }).toEqual({
      goal: "pdp_view",
      products: JSON.stringify(["home"]),
    });
  });

  it("basket adds from the page and orders from the backend keep their product ids", async () => {
    const cookie = await freshVisitor();
    const visitor = visitorIdOf(cookie);
    const beacon = await visit("/_stylist/event", {
      method: "POST",
      cookie,
      body: JSON.stringify({ goal: "add_to_basket", products: ["fell-tent-2"] }),
      headers: { "content-type": "application/json", referer: "https://shop.example/basket" },
    });
    expect(beacon.status).toBe(204);
    const body = JSON.stringify({
      visitor,
      goal: "purchase",
      orderId: `FS-${crypto.randomUUID()}`,
      products: ["fell-tent-2", "trail-socks"],
    });
    const server = await visit("/_stylist/event/server", {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-stylist-signature": await signServerEvent(body, SERVER_SECRET, Date.now()),
      },
    });
    expect(server.status).toBe(204);
    const rows = await storedConversions(visitor, 2);
    expect(rows.map((row) => [row.goal, row.products]).sort()).toEqual([
      ["add_to_basket", JSON.stringify(["fell-tent-2"])],
      ["purchase", JSON.stringify(["fell-tent-2", "trail-socks"])],
    ]);
  });

  it.each([
    ["a name, not a slug", ["Jane Smith"], "products[0]"],
    ["an empty list", [], "products"],
    ["more than 50 products", Array.from({ length: 51 }, (_, i) => `p${i}`), "products"],
  ])("refuses %s with the field at fault", async (_name, products, path) => {
    const cookie = await freshVisitor();
    const response = await visit("/_stylist/event", {
      method: "POST",
      cookie,
      body: JSON.stringify({ goal: "add_to_basket", products }),
      headers: { "content-type": "application/json", referer: "https://shop.example/basket" },
    });
    expect(response.status).toBe(400);
    expect((await response.json<{ path: string }>()).path).toBe(path);
  });
});
