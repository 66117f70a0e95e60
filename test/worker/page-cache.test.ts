import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { ExperimentInput } from "../../src/core/schema/experiment.ts";
import type { SettingsInput } from "../../src/core/schema/settings.ts";
import { encodeIdentity } from "../../src/core/visitor/identity.ts";
import { pushRules } from "../../src/rules/versions.ts";
import worker from "../../src/worker/index.ts";
import {
  clearPageCache,
  MAX_IN_FLIGHT_BYTES,
  MAX_TOTAL_BYTES,
  pageCacheMemory,
} from "../../src/worker/page-cache.ts";
import { clearRulesCache } from "../../src/worker/rules.ts";
import { alwaysVariant } from "../fixtures/experiments.ts";
import { BROWSER_UA } from "../support/browser-agent.ts";
import { rulesStore, waitForEvents } from "./helpers.ts";

/**
 * settings.pageCache: a rendered arm of a page the origin marks shared-cacheable is reused for the next visitor with
 * the same arms — no origin request, no rewrite — and exposures are still logged per visitor, as the first render
 * found them. Nothing personal is ever reused.
 */
const SHARED = "/shared/product?cc=public,%20max-age=60";
const PAGES = ["/shared/*"];

async function publishWith(settings: SettingsInput, overrides: Partial<ExperimentInput> = {}) {
  clearRulesCache();
  await pushRules(
    rulesStore(),
    { experiments: [alwaysVariant({ id: "kept-hero", pages: PAGES, ...overrides })], settings },
    { author: "test", message: "page cache" },
  );
}

async function originHits(path: string): Promise<number> {
  const response = await fetch(new URL(`/__shared-hits?key=${encodeURIComponent(path)}`, env.ORIGIN_URL));
  return (await response.json()) as number;
}

async function returningVisitor() {
  const id = crypto.randomUUID().replaceAll("-", "");
  const value = await encodeIdentity(
    { id, firstSeen: Math.floor(Date.now() / 1000) - 86_400, minted: false },
    env.VISITOR_SECRET,
  );
  return { id, cookie: `stylist_vid=${value}` };
}

/**
 * A page view with diagnostics on (SERVER_TIMING = "1"), so X-Stylist-Cache says hit or miss. `path` may be a whole
 * URL, for another host or scheme.
 */
async function load(
  path: string,
  cookie?: string,
  options: { headers?: Record<string, string>; diagnostics?: boolean } = {},
) {
  const headers = new Headers({ "user-agent": BROWSER_UA, ...options.headers });
  if (cookie) headers.set("cookie", cookie);
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(new URL(path, "https://shop.example"), { headers, redirect: "manual" }),
    { ...env, ...(options.diagnostics === false ? {} : { SERVER_TIMING: "1" }) },
    ctx,
  );
  const body = await response.text();
  await waitOnExecutionContext(ctx);
  return { response, body };
}

const ON = { pageCache: { enabled: true } };

beforeEach(() => clearPageCache());

describe("reusing rendered pages (settings.pageCache)", () => {
  it("serves the next visitor with the same arms the kept rendering, without asking the origin, and logs their exposure", async () => {
    await publishWith(ON);
    const path = `${SHARED}&case=reuse`;
    const [first, second] = [await returningVisitor(), await returningVisitor()];
    const a = await load(path, first.cookie);
    const b = await load(path, second.cookie);
    expect(a.response.headers.get("x-stylist-cache")).toBe("miss");
    expect(b.response.headers.get("x-stylist-cache")).toBe("hit");
    expect(b.body).toBe(a.body);
    expect(b.body).toContain("Tested on the fells");
    expect(await originHits(path)).toBe(1);
    expect(b.response.headers.get("cache-control")).toBe("private, no-cache");
    expect(b.response.headers.get("age")).toMatch(/^\d+$/);
    const events = await waitForEvents(2, "kept-hero");
    expect(events.map((event) => event.visitor).sort()).toEqual([first.id, second.id].sort());
    expect(new Set(events.map((event) => event.variant))).toEqual(new Set(["promise"]));
  });

  it("still gives a new visitor served from a kept page their own signed cookie, never one kept from someone else", async () => {
    await publishWith(ON);
    const path = `${SHARED}&case=new-visitor`;
    await load(path, (await returningVisitor()).cookie);
    const fresh = await load(path);
    expect(fresh.response.headers.get("x-stylist-cache")).toBe("hit");
    const cookies = fresh.response.headers.getSetCookie();
    expect(cookies.some((cookie) => cookie.startsWith("stylist_vid="))).toBe(true);
    const again = await load(path);
    expect(again.response.headers.getSetCookie().find((c) => c.startsWith("stylist_vid="))).not.toBe(
      cookies.find((c) => c.startsWith("stylist_vid=")),
    );
  });

  it.each([
    ["private", "private,%20max-age=60"],
    ["no-store", "public,%20no-store"],
    ["no-cache", "public,%20no-cache,%20max-age=60"],
    ["no shared lifetime", "max-age=60"],
    ["a max-age of 0", "public,%20max-age=0"],
  ])("asks the origin every time when its Cache-Control is %s", async (_, cc) => {
    await publishWith(ON);
    const path = `/shared/product?cc=${cc}`;
    const { cookie } = await returningVisitor();
    await load(path, cookie);
    const again = await load(path, cookie);
    expect(again.response.headers.get("x-stylist-cache")).toBeNull();
    expect(await originHits(path)).toBe(2);
  });

  it("never keeps a page that sets a cookie or varies by anything but encoding", async () => {
    await publishWith(ON);
    for (const path of [`${SHARED}&cookie=1`, `${SHARED}&vary=cookie`]) {
      const { cookie } = await returningVisitor();
      await load(path, cookie);
      await load(path, cookie);
      expect(await originHits(path)).toBe(2);
    }
  });

  it("keeps nothing while settings.pageCache is off, which is the default", async () => {
    await publishWith({});
    const path = `${SHARED}&case=off`;
    const { cookie } = await returningVisitor();
    const first = await load(path, cookie);
    await load(path, cookie);
    expect(first.response.headers.get("x-stylist-cache")).toBeNull();
    expect(await originHits(path)).toBe(2);
  });

  it("never reuses a rendering that holds a visitor's own values", async () => {
    await publishWith(ON, {
      variants: [
        { id: "control", weight: 0 },
        {
          id: "promise",
          weight: 100,
          ops: [{ op: "setText", selector: "#hero h1", value: "Hello {{country}}" }],
        },
      ],
    });
    const path = `${SHARED}&case=placeholders`;
    const { cookie } = await returningVisitor();
    await load(path, cookie);
    const again = await load(path, cookie);
    expect(again.response.headers.get("x-stylist-cache")).toBeNull();
    expect(await originHits(path)).toBe(2);
  });

  it("serves a new rules version its own rendering, never the old one", async () => {
    await publishWith(ON);
    const path = `${SHARED}&case=version`;
    const { cookie } = await returningVisitor();
    expect((await load(path, cookie)).body).toContain("Tested on the fells");
    await publishWith(ON, {
      variants: [
        { id: "control", weight: 0 },
        {
          id: "promise",
          weight: 100,
          ops: [{ op: "setText", selector: "#hero h1", value: "Made in Kendal" }],
        },
      ],
    });
    const after = await load(path, cookie);
    expect(after.body).toContain("Made in Kendal");
    expect(after.response.headers.get("x-stylist-cache")).toBe("miss");
    expect(await originHits(path)).toBe(2);
  });

  it("says in Server-Timing, when asked, that a page came from the kept rendering", async () => {
    await publishWith(ON);
    const path = `${SHARED}&case=timing`;
    const { cookie } = await returningVisitor();
    await load(path, cookie);
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(`https://shop.example${path}`, { headers: { cookie, "user-agent": BROWSER_UA } }),
      { ...env, SERVER_TIMING: "1" },
      ctx,
    );
    await response.text();
    await waitOnExecutionContext(ctx);
    expect(response.headers.get("server-timing")).toMatch(
      /^stylist;desc="kept page, no origin request";dur=\d+(\.\d)?$/,
    );
  });

  it("says how old a kept page is, counting the Age the origin's response already had", async () => {
    await publishWith(ON);
    const path = "/shared/product?cc=public,%20max-age=60&age=30&case=age";
    const { cookie } = await returningVisitor();
    await load(path, cookie);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const hit = await load(path, cookie);
    expect(hit.response.headers.get("x-stylist-cache")).toBe("hit");
    expect(Number(hit.response.headers.get("age"))).toBeGreaterThanOrEqual(31);
    expect(Number(hit.response.headers.get("age"))).toBeLessThan(40);
  });

  it("asks the origin again once the kept page is older than the origin allows", async () => {
    await publishWith(ON);
    const path = "/shared/product?cc=public,%20max-age=1&case=expiry";
    const { cookie } = await returningVisitor();
    await load(path, cookie);
    expect((await load(path, cookie)).response.headers.get("x-stylist-cache")).toBe("hit");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await load(path, cookie)).response.headers.get("x-stylist-cache")).toBe("miss");
    expect(await originHits(path)).toBe(2);
  });
});

/** Issue 12 item 4: what a kept page must never be served to, and what a CDN in front must never store. */
describe("kept pages are never one visitor's, nor one host's", () => {
  const REFLECTING = `${SHARED}&reflect=1`;

  it("keeps a page per scheme and host: one rendered for one Host is never served on another", async () => {
    await publishWith(ON);
    const path = `${REFLECTING}&case=host`;
    const { cookie } = await returningVisitor();
    const a = await load(`https://shop.example${path}`, cookie);
    expect(a.body).toContain("host=shop.example");
    const b = await load(`https://evil.example${path}`, cookie);
    expect(b.body).toContain("host=evil.example");
    expect(b.body).not.toContain("host=shop.example");
    const c = await load(`http://shop.example${path}`, cookie);
    expect(c.response.headers.get("x-stylist-cache")).toBe("miss");
    expect((await load(`https://shop.example${path}`, cookie)).response.headers.get("x-stylist-cache")).toBe(
      "hit",
    );
    expect(await originHits(path)).toBe(3);
  });

  it("never serves a kept page to a request with Authorization, and asks the origin instead", async () => {
    await publishWith(ON);
    const path = `${SHARED}&case=authorization`;
    const { cookie } = await returningVisitor();
    await load(path, cookie);
    const authorised = await load(path, cookie, { headers: { authorization: "Basic YWxpY2U6c2VjcmV0" } });
    expect(authorised.response.headers.get("x-stylist-cache")).toBeNull();
    expect(await originHits(path)).toBe(2);
  });

  it("never keeps, nor serves from a kept page, a request that carries the shop's own cookies", async () => {
    await publishWith(ON);
    const path = `${REFLECTING}&case=cookies`;
    const alice = await returningVisitor();
    const first = await load(path, `${alice.cookie}; shop_session=alice-secret`);
    expect(first.body).toContain("alice-secret");
    expect(first.response.headers.get("x-stylist-cache")).toBeNull();
    const bob = await returningVisitor();
    const second = await load(path, bob.cookie);
    expect(second.body).not.toContain("alice-secret");
    expect(second.response.headers.get("x-stylist-cache")).toBe("miss");
    const again = await load(path, `${alice.cookie}; shop_session=alice-secret`);
    expect(again.body).toContain("alice-secret");
    expect(again.response.headers.get("x-stylist-cache")).toBeNull();
    expect(await originHits(path)).toBe(3);
  });

  it("keeps pages for requests with the shop's cookies only on paths the rules declare cookie-blind", async () => {
    await publishWith({ pageCache: { enabled: true, ignoreCookiesOn: ["/shared/*"] } });
    const path = `${SHARED}&case=cookie-blind`;
    const { cookie } = await returningVisitor();
    await load(path, `${cookie}; currency=GBP`);
    const hit = await load(path, `${cookie}; _ga=GA1.1.2`);
    expect(hit.response.headers.get("x-stylist-cache")).toBe("hit");
    expect(await originHits(path)).toBe(1);
  });

  it.each([
    ["CDN-Cache-Control: no-store", "cdn=no-store"],
    ["Cloudflare-CDN-Cache-Control: private", "cfcdn=private"],
    ["Surrogate-Control: max-age=0", "surrogate=max-age=0"],
    ["Pragma: no-cache", "pragma=no-cache"],
    ["CDN-Cache-Control with no lifetime Stylist can read", "cdn=stale-if-error"],
  ])("asks the origin every time when it says %s", async (_, header) => {
    await publishWith(ON);
    const path = `${SHARED}&${header}`;
    const { cookie } = await returningVisitor();
    await load(path, cookie);
    expect((await load(path, cookie)).response.headers.get("x-stylist-cache")).toBeNull();
    expect(await originHits(path)).toBe(2);
  });

  it("keeps a page no longer than the shortest lifetime any cache field allows", async () => {
    await publishWith(ON);
    const path = `${SHARED}&cdn=max-age=1&case=cdn-lifetime`;
    const { cookie } = await returningVisitor();
    await load(path, cookie);
    expect((await load(path, cookie)).response.headers.get("x-stylist-cache")).toBe("hit");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await load(path, cookie)).response.headers.get("x-stylist-cache")).toBe("miss");
  });

  it("removes CDN-Cache-Control, Cloudflare-CDN-Cache-Control and Surrogate-Control from every personalised response", async () => {
    await publishWith(ON);
    const targeted = "cdn=public,%20max-age=600&cfcdn=max-age=600&surrogate=max-age=600";
    const fields = ["cdn-cache-control", "cloudflare-cdn-cache-control", "surrogate-control"];
    const { cookie } = await returningVisitor();
    const rendered = await load(`${SHARED}&${targeted}&case=strip`, cookie);
    const kept = await load(`${SHARED}&${targeted}&case=strip`, cookie);
    // A page no experiment covers, served to a new visitor: not rewritten, but it sets their cookie.
    const cookieOnly = await load(`/shared/no/experiment?cc=public,%20max-age=60&${targeted}`);
    expect(cookieOnly.response.headers.getSetCookie().length).toBeGreaterThan(0);
    for (const { response } of [rendered, kept, cookieOnly]) {
      for (const field of fields) expect(response.headers.get(field)).toBeNull();
      expect(response.headers.get("cache-control")).toMatch(/^private/);
    }
    expect(kept.response.headers.get("x-stylist-cache")).toBe("hit");
  });

  it("says X-Stylist-Cache only with diagnostics on, so nobody else learns whether a URL was fetched lately", async () => {
    await publishWith(ON);
    const path = `${SHARED}&case=diagnostics`;
    const { cookie } = await returningVisitor();
    const miss = await load(path, cookie, { diagnostics: false });
    const hit = await load(path, cookie, { diagnostics: false });
    expect(miss.response.headers.get("x-stylist-cache")).toBeNull();
    expect(hit.response.headers.get("x-stylist-cache")).toBeNull();
    expect(hit.response.headers.get("server-timing")).toBeNull();
    expect(await originHits(path)).toBe(1);
  });

  it("holds copies of pages being rendered within the in-flight budget when many large misses run at once", async () => {
    await publishWith(ON);
    const size = 900 * 1024;
    const { cookie } = await returningVisitor();
    const views = await Promise.all(
      Array.from({ length: 24 }, (_, i) => load(`${SHARED}&size=${size}&case=flight-${i % 12}`, cookie)),
    );
    for (const view of views) expect(view.body.length).toBeGreaterThan(size - 1024);
    const memory = pageCacheMemory();
    expect(memory.peakInFlightBytes).toBeGreaterThan(0);
    expect(memory.peakInFlightBytes).toBeLessThanOrEqual(MAX_IN_FLIGHT_BYTES);
    expect(memory.inFlightBytes).toBe(0);
    expect(memory.keptBytes).toBeLessThanOrEqual(MAX_TOTAL_BYTES);
  }, 60_000);
});
