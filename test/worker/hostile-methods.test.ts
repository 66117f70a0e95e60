import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { encodeIdentity } from "../../src/core/visitor/identity.ts";
import { heroExperiment } from "../fixtures/experiments.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { publish, storedEvents, visit } from "./helpers.ts";

/**
 * Requests a page view is not: HEAD, conditional GETs, Range requests, OPTIONS and other methods. Each gets the
 * origin's answer as it came, with no cookie and no exposure, so nothing but a full GET of a page is ever counted.
 */
const EXPERIMENT = "methods-hero";

async function returningVisitor(): Promise<{ cookie: string; id: string }> {
  const id = crypto.randomUUID().replaceAll("-", "");
  const value = await encodeIdentity(
    { id, firstSeen: Math.floor(Date.now() / 1000), minted: false },
    env.VISITOR_SECRET,
  );
  return { cookie: `stylist_vid=${value}`, id };
}

/**
 * Sends a full GET as a sentinel after the request under test and waits for the sentinel's exposure: everything the
 * earlier request could have logged would have been sent before it. Returns that visitor's exposures.
 */
async function exposuresAfterSentinel(visitor: { cookie: string; id: string }) {
  await (await visit("/", { cookie: visitor.cookie })).text();
  const mine = async () => (await storedEvents(EXPERIMENT)).filter((event) => event.visitor === visitor.id);
  const deadline = Date.now() + 8_000;
  while ((await mine()).length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A little longer, for anything the earlier request might have sent in a batch of its own.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return mine();
}

const noVisitorCookie = (response: Response) =>
  expect(response.headers.getSetCookie().filter((cookie) => cookie.startsWith("stylist_"))).toEqual([]);

beforeEach(async () => {
  await publish([heroExperiment({ id: EXPERIMENT, pages: ["/", "/echo"] })]);
});

describe("requests that are not page views", () => {
  it("answers HEAD with the origin's headers, no body, no cookie and no exposure", async () => {
    const visitor = await returningVisitor();
    const response = await visit("/", { method: "HEAD", cookie: visitor.cookie });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(response.headers.get("etag")).toBe('"home-v1"');
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    noVisitorCookie(await visit("/", { method: "HEAD" }));
    expect(await exposuresAfterSentinel(visitor)).toHaveLength(1);
  });

  it("passes a 304 from the origin through with no body, no cookie and no exposure", async () => {
    const visitor = await returningVisitor();
    const response = await visit("/", { cookie: visitor.cookie, headers: { "if-none-match": '"home-v1"' } });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe("");
    noVisitorCookie(await visit("/", { headers: { "if-none-match": '"home-v1"' } }));
    expect(await exposuresAfterSentinel(visitor)).toHaveLength(1);
  });

  it.each(["bytes=0-10", "bytes=0-", "bytes=-5", "bytes=0-1,5-9", "bytes=abc", "bytes=99999999-"])(
    "serves the origin's bytes unchanged for Range: %s, with no cookie",
    async (range) => {
      const response = await visit("/", { headers: { range } });
      expect(await response.text()).toBe(HOME_HTML);
      noVisitorCookie(response);
    },
  );

  it("logs no exposure for a Range request, even on a personalised page", async () => {
    const visitor = await returningVisitor();
    await (await visit("/", { cookie: visitor.cookie, headers: { range: "bytes=0-" } })).text();
    expect(await exposuresAfterSentinel(visitor)).toHaveLength(1);
  });

  it.each(["OPTIONS", "POST", "PUT", "PATCH", "DELETE"])(
    "forwards %s to the origin untouched, with no cookie and no exposure",
    async (method) => {
      const visitor = await returningVisitor();
      const response = await visit("/echo", {
        method,
        cookie: visitor.cookie,
        ...(method === "OPTIONS" || method === "DELETE" ? {} : { body: "qty=2" }),
      });
      const echoed = (await response.json()) as { method: string; cookie: string };
      expect(echoed.method).toBe(method);
      expect(echoed.cookie).toBe(visitor.cookie);
      noVisitorCookie(response);
      expect(await exposuresAfterSentinel(visitor)).toHaveLength(1);
    },
  );

  it("answers OPTIONS on Stylist's own endpoints itself, without reaching the origin", async () => {
    const response = await visit("/_stylist/event", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
