import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { encodeIdentity } from "../../src/core/visitor/identity.ts";
import { pushRules } from "../../src/rules/versions.ts";
import worker from "../../src/worker/index.ts";
import { heroExperiment } from "../fixtures/experiments.ts";
import { rulesStore } from "./helpers.ts";

/**
 * Stylist's own state-changing endpoints act for the visitor whose cookie comes with the request, so a page on
 * another site — or in a sandboxed frame, or a no-referrer form, anywhere — must not be able to make the browser
 * call them (issue 12 item 6). `POST /_stylist/why/object` needs the browser to say this site's own page sent it;
 * `POST /_stylist/event` refuses whatever a browser says is not this site's page. Neither ever answers 5xx.
 */
async function visitorCookie(): Promise<{ id: string; cookie: string }> {
  const id = crypto.randomUUID().replaceAll("-", "");
  const value = await encodeIdentity(
    { id, firstSeen: Math.floor(Date.now() / 1000), minted: false },
    env.VISITOR_SECRET,
  );
  return { id, cookie: `stylist_vid=${value}` };
}

async function post(path: string, headers: Record<string, string>, body: string | null = null) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://shop.example${path}`, { method: "POST", headers, body }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

const CROSS: Array<[string, Record<string, string>]> = [
  ["Origin: null (a sandboxed frame or a no-referrer form)", { origin: "null" }],
  ["another site's Origin", { origin: "https://evil.example" }],
  ["a look-alike Origin", { origin: "https://shop.example.evil.example" }],
  ["the shop's host over http", { origin: "http://shop.example" }],
  ["the shop's host on another port", { origin: "https://shop.example:8443" }],
  ["an Origin with a path", { origin: "https://shop.example/" }],
  ["a malformed Origin", { origin: "https://[::1" }],
  ["an Origin that is not a URL", { origin: "%%%" }],
  ["an empty Origin", { origin: "" }],
  ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
  ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "sec-fetch-site": "same-site" }],
  ["Sec-Fetch-Site: none", { "sec-fetch-site": "none" }],
  [
    "the shop's Origin but Sec-Fetch-Site: cross-site",
    { origin: "https://shop.example", "sec-fetch-site": "cross-site" },
  ],
  [
    "Sec-Fetch-Site: same-origin but another Origin",
    { origin: "https://evil.example", "sec-fetch-site": "same-origin" },
  ],
];

beforeEach(async () => {
  await pushRules(
    rulesStore(),
    { experiments: [heroExperiment()], settings: { goals: [{ id: "add_to_basket" }] } },
    { author: "test", message: "origins" },
  );
});

describe("POST /_stylist/why/object from anywhere but the site's own page", () => {
  it.each([...CROSS, ["no Origin and no Sec-Fetch-Site", {}] as [string, Record<string, string>]])(
    "refuses %s with a 403, keeping the visitor's cookies",
    async (_name, headers) => {
      const { cookie } = await visitorCookie();
      const response = await post("/_stylist/why/object", { ...headers, cookie });
      expect(response.status).toBe(403);
      expect(response.headers.getSetCookie()).toEqual([]);
    },
  );

  it.each([
    ["Sec-Fetch-Site: same-origin", { "sec-fetch-site": "same-origin" }],
    ["the site's own Origin", { origin: "https://shop.example" }],
    ["both", { origin: "https://shop.example", "sec-fetch-site": "same-origin" }],
  ])("accepts an objection from the site's own page (%s)", async (_name, headers) => {
    const response = await post("/_stylist/why/object", headers);
    expect(response.status).toBe(303);
    expect(response.headers.getSetCookie()).toContainEqual(expect.stringMatching(/^stylist_objection=1;/));
  });
});

describe("POST /_stylist/event from another origin", () => {
  const body = JSON.stringify({ goal: "add_to_basket" });

  it.each(CROSS)("refuses %s with a JSON 403", async (_name, headers) => {
    const { cookie } = await visitorCookie();
    const response = await post(
      "/_stylist/event",
      { ...headers, cookie, "content-type": "text/plain" },
      body,
    );
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("accepts a beacon from the site's own page, and one with neither header (not a browser, so not forged by one)", async () => {
    const { cookie } = await visitorCookie();
    const own = { origin: "https://shop.example", "sec-fetch-site": "same-origin" };
    expect(
      (await post("/_stylist/event", { ...own, cookie, "content-type": "text/plain" }, body)).status,
    ).toBe(204);
    expect((await post("/_stylist/event", { cookie, "content-type": "text/plain" }, body)).status).toBe(204);
  });
});
