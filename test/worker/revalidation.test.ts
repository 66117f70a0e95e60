import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type Experiment, ExperimentSchema } from "../../src/core/schema/experiment.ts";
import { kvRuleStore } from "../../src/rules/store.ts";
import { pushRules } from "../../src/rules/versions.ts";
import { HOME_HTML, NO_HERO_HTML } from "../fixtures/pages.ts";
import { cookieJar, visit } from "./helpers.ts";

const BROWSER =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
/** What Chromium sends when the visitor opens a page: a navigation that accepts HTML. */
const NAVIGATION = {
  "user-agent": BROWSER,
  "sec-fetch-mode": "navigate",
  "sec-fetch-dest": "document",
  accept: "text/html,application/xhtml+xml,*/*;q=0.8",
};
/** The fixture origin's validator for /c/trail-running (test/support/origin-server.ts). */
const TRAIL_ETAG = '"/c/trail-running-v1"';

const banner = ExperimentSchema.parse({
  id: "keen-banner",
  hypothesis: "Visitors who browsed a category twice are comparing; a pointer to the range lifts purchases",
  status: "running",
  pages: ["/", "/home"],
  audience: { viewedCategory: { category: "trail-running", atLeast: 2, withinDays: 7 } },
  variants: [
    { id: "control", weight: 0 },
    {
      id: "banner",
      weight: 100,
      ops: [{ op: "setText", selector: "#hero h1", value: "Back for more trail shoes?" }],
    },
  ],
  metrics: { primary: "purchase" },
});

function publish(experiments: Experiment[], goals: unknown[] = []) {
  return pushRules(
    kvRuleStore(env.RULES),
    {
      experiments,
      settings: { taxonomy: [{ pattern: "/c/:category", type: "category" }], goals },
    } as never,
    { author: "test", message: "revalidation" },
  );
}

/** A browser's cookie jar: every cookie it was given, sent back on the next request. */
class Jar {
  readonly cookies = new Map<string, string>();
  take(response: Response) {
    for (const pair of cookieJar(response).split("; ").filter(Boolean)) {
      const [name, value] = pair.split(/=(.*)/s) as [string, string];
      this.cookies.set(name, value);
    }
  }
  get header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

async function open(jar: Jar, path: string, headers: Record<string, string> = {}) {
  const response = await visit(path, { cookie: jar.header, headers: { ...NAVIGATION, ...headers } });
  jar.take(response);
  return { response, body: await response.text() };
}

describe("a browser revalidating a page Stylist leaves untouched", () => {
  it("still counts the view: two views of a category, the second a 304, bring the behavioural banner", async () => {
    await publish([banner]);
    const jar = new Jar();
    const first = await open(jar, "/c/trail-running");
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get("etag")).toBe(TRAIL_ETAG);
    const repeat = await open(jar, "/c/trail-running", { "if-none-match": TRAIL_ETAG });
    expect(repeat.response.status).toBe(304);
    expect(repeat.response.headers.getSetCookie().some((cookie) => cookie.startsWith("stylist_p="))).toBe(
      true,
    );
    expect((await open(jar, "/")).body).toContain("<h1>Back for more trail shoes?</h1>");
  });

  it("counts a revalidation by date (If-Modified-Since) the same way", async () => {
    await publish([banner]);
    const jar = new Jar();
    await open(jar, "/c/trail-running");
    const repeat = await open(jar, "/c/trail-running", {
      "if-modified-since": "Mon, 01 Jun 2026 00:00:00 GMT",
    });
    expect(repeat.response.status).toBe(304);
    expect((await open(jar, "/")).body).toContain("<h1>Back for more trail shoes?</h1>");
  });

  it("never leaves a page the taxonomy types to the origin's shared max-age, on the 200 or on the 304", async () => {
    await publish([banner]);
    const jar = new Jar();
    const first = await open(jar, "/c/trail-running");
    expect(first.response.headers.get("cache-control")).toBe("private, no-cache");
    const repeat = await open(jar, "/c/trail-running", { "if-none-match": TRAIL_ETAG });
    expect(repeat.response.headers.get("cache-control")).toBe("private, no-cache");
    expect(repeat.response.headers.get("etag")).toBe(TRAIL_ETAG);
  });

  it("logs the URL goals of a revalidated page view", async () => {
    await publish([], [{ id: "category_view", pages: ["/c/*"] }]);
    const jar = new Jar();
    await open(jar, "/c/trail-running");
    await open(jar, "/c/trail-running", { "if-none-match": TRAIL_ETAG });
    const visitor = /^v1\.([0-9a-f]{32})\./.exec(jar.cookies.get("stylist_vid") ?? "")?.[1];
    const deadline = Date.now() + 8_000;
    let rows: unknown[] = [];
    while (rows.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = (
        await env.DB.prepare("SELECT * FROM conversions WHERE visitor = ? AND goal = ?")
          .bind(visitor, "category_view")
          .all()
      ).results;
    }
    expect(rows).toHaveLength(2);
  });

  it("does not take an asset's revalidation for a page view", async () => {
    await publish([banner]);
    const jar = new Jar();
    await open(jar, "/c/trail-running");
    const image = await visit("/c/trail-running", {
      cookie: jar.header,
      headers: {
        "user-agent": BROWSER,
        "sec-fetch-mode": "no-cors",
        "sec-fetch-dest": "image",
        "if-none-match": TRAIL_ETAG,
      },
    });
    expect(image.status).toBe(304);
    expect(image.headers.get("set-cookie")).toBeNull();
  });

  it("passes a bot's 304 through with no cookie", async () => {
    await publish([banner]);
    const response = await visit("/c/trail-running", {
      headers: { ...NAVIGATION, "user-agent": "Googlebot/2.1", "if-none-match": TRAIL_ETAG },
    });
    expect(response.status).toBe(304);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("serves the page itself when the browser's copy predates an experiment now on the page", async () => {
    const onCategory = ExperimentSchema.parse({
      ...banner,
      id: "category-note",
      pages: ["/c/*"],
      audience: undefined,
      variants: [
        { id: "control", weight: 0 },
        { id: "note", weight: 100, ops: [{ op: "setText", selector: "main p", value: "Free returns" }] },
      ],
    });
    await publish([onCategory]);
    const jar = new Jar();
    const repeat = await open(jar, "/c/trail-running", { "if-none-match": TRAIL_ETAG });
    expect(repeat.response.status).toBe(200);
    expect(repeat.body).toBe(NO_HERO_HTML.replace("About us", "Free returns"));
    expect(repeat.response.headers.get("etag")).toBeNull();
  });
});

describe("responses that set a cookie", () => {
  it("are never shareable, whoever set the cookie", async () => {
    await publish([]);
    const origins = await visit("/shared/x?cc=public,%20max-age%3D600&cookie=1", { headers: NAVIGATION });
    await origins.text();
    expect(origins.headers.get("set-cookie")).toContain("shop_session=abc");
    expect(origins.headers.get("cache-control")).toBe("private, no-cache");
    const home = await visit("/", { headers: NAVIGATION });
    expect(await home.text()).toBe(HOME_HTML);
    expect(home.headers.get("set-cookie")).toContain("stylist_vid=");
    expect(home.headers.get("cache-control")).not.toMatch(/public|s-maxage/);
    const objection = await visit("/_stylist/why/object", {
      method: "POST",
      headers: { ...NAVIGATION, "sec-fetch-site": "same-origin", origin: "https://shop.example" },
    });
    expect(objection.headers.get("set-cookie")).toContain("stylist_objection");
    expect(objection.headers.get("cache-control") ?? "").toMatch(/private|no-store/);
    expect(objection.headers.get("cache-control") ?? "").not.toMatch(/public/);
  });
});
