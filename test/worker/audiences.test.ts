import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { ExperimentSchema } from "../../src/core/schema/experiment.ts";
import { kvRuleStore } from "../../src/rules/store.ts";
import { pushRules } from "../../src/rules/versions.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { cookieJar, visit } from "./helpers.ts";

const BROWSER =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

const banner = ExperimentSchema.parse({
  id: "browsed-twice",
  hypothesis: "Visitors who browsed a category twice are comparing; a pointer to the range lifts purchases",
  status: "running",
  pages: ["/", "/home"],
  audience: { audience: "keen" },
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

beforeEach(async () => {
  await pushRules(
    kvRuleStore(env.RULES),
    {
      experiments: [banner],
      audiences: [
        {
          id: "keen",
          reason: "because you have been browsing this category",
          condition: { viewedCategory: { category: "about", atLeast: 2, withinDays: 7 } },
        },
      ],
      // The fixture origin has no category pages; /about stands in for one.
      settings: { taxonomy: [{ pattern: "/:category", type: "category" }] },
    },
    { author: "test", message: "audiences" },
  );
});

/** A browser: keeps every cookie it is given and sends them back. */
async function browse(paths: string[], headers: Record<string, string> = {}) {
  const jar = new Map<string, string>();
  let last: { response: Response; body: string } | undefined;
  for (const path of paths) {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await visit(path, { cookie, headers: { "user-agent": BROWSER, ...headers } });
    for (const pair of cookieJar(response).split("; ").filter(Boolean)) {
      const [name, value] = pair.split(/=(.*)/s) as [string, string];
      jar.set(name, value);
    }
    last = { response, body: await response.text() };
  }
  return { ...(last as { response: Response; body: string }), jar };
}

describe("behavioural audiences from the edge profile", () => {
  it("serve the variant only after the category was browsed twice", async () => {
    expect((await browse(["/about", "/"])).body).toBe(HOME_HTML);
    expect((await browse(["/about", "/about", "/"])).body).toContain("<h1>Back for more trail shoes?</h1>");
  });

  it("ignore a tampered profile cookie and rebuild it, never an error page", async () => {
    const { jar } = await browse(["/about", "/about"]);
    const profile = jar.get("stylist_p") as string;
    const tampered = `${profile.slice(0, 10)}${profile[10] === "A" ? "B" : "A"}${profile.slice(11)}`;
    const response = await visit("/", {
      cookie: `stylist_vid=${jar.get("stylist_vid")}; stylist_p=${tampered}`,
      headers: { "user-agent": BROWSER },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(HOME_HTML);
    expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith("stylist_p="))).toBe(true);
  });

  it("ignore an oversized profile cookie", async () => {
    const { jar } = await browse(["/about"]);
    const response = await visit("/", {
      cookie: `stylist_vid=${jar.get("stylist_vid")}; stylist_p=${"A".repeat(5_000)}.${"B".repeat(22)}`,
      headers: { "user-agent": BROWSER },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(HOME_HTML);
  });
});

describe("the visitor's own view: /_stylist/why", () => {
  it("lists what is stored, the audiences the visitor is in with their reasons, and the tests they are in", async () => {
    const { jar } = await browse(["/about", "/about"]);
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await visit("/_stylist/why", {
      cookie,
      headers: { accept: "application/json", "user-agent": BROWSER },
    });
    const data = await response.json<{
      stored: { profile: { categoriesViewed: Record<string, number> } };
      audiences: unknown[];
      experiences: unknown[];
    }>();
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(data.stored.profile.categoriesViewed).toEqual({ about: 2 });
    expect(data.audiences).toEqual([
      { id: "keen", name: "keen", reason: "because you have been browsing this category" },
    ]);
    expect(data.experiences).toEqual([
      expect.objectContaining({ experiment: "browsed-twice", youSee: 'version "banner"' }),
    ]);
    const html = await (await visit("/_stylist/why", { cookie, headers: { "user-agent": BROWSER } })).text();
    expect(html).toContain("because you have been browsing this category");
    expect(html).toContain('action="/_stylist/why/object"');
  });

  it("lets the visitor object: cookies cleared, and from then on the origin page, no cookie, nothing logged", async () => {
    const objected = await visit("/_stylist/why/object", {
      method: "POST",
      headers: { "user-agent": BROWSER, origin: "https://shop.example", "sec-fetch-site": "same-origin" },
    });
    expect(objected.status).toBe(303);
    const cookies = objected.headers.getSetCookie();
    expect(cookies).toContainEqual(expect.stringMatching(/^stylist_vid=; .*Max-Age=0/));
    expect(cookies).toContainEqual(expect.stringMatching(/^stylist_p=; .*Max-Age=0/));
    const after = await browse(["/about", "/about", "/"], { cookie: "stylist_objection=1" });
    expect(after.body).toBe(HOME_HTML);
    expect(after.response.headers.getSetCookie()).toEqual([]);
  });
});

describe("who never gets personalisation", () => {
  it.each([
    [
      "a crawler",
      { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" },
    ],
    ["a browser sending Global Privacy Control", { "user-agent": BROWSER, "sec-gpc": "1" }],
  ])("%s gets the origin page with no cookie", async (_name, headers) => {
    const response = await visit("/", { headers });
    expect(await response.text()).toBe(HOME_HTML);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("a visitor without consent, where consent is required", async () => {
    await pushRules(
      kvRuleStore(env.RULES),
      {
        experiments: [{ ...banner, audience: undefined }],
        settings: { consent: { mode: "required", cookie: "cmp" } },
      },
      { author: "test", message: "consent" },
    );
    const without = await visit("/", { headers: { "user-agent": BROWSER } });
    expect(await without.text()).toBe(HOME_HTML);
    expect(without.headers.getSetCookie()).toEqual([]);
    const granted = await visit("/", { cookie: "cmp=granted", headers: { "user-agent": BROWSER } });
    expect(await granted.text()).toContain("Back for more trail shoes?");
  });
});

describe("rolled-out winners for visitors Stylist does not identify", () => {
  it("serves a crawler the rolled-out variant people get, without a cookie or an event", async () => {
    const rolledOut = ExperimentSchema.parse({
      ...banner,
      audience: undefined,
      status: "rolled-out",
      rollout: "banner",
    });
    await pushRules(
      kvRuleStore(env.RULES),
      { experiments: [rolledOut] },
      { author: "test", message: "rolled out" },
    );
    const crawler = await visit("/", {
      headers: { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" },
    });
    expect(await crawler.text()).toContain("Back for more trail shoes?");
    expect(crawler.headers.getSetCookie()).toEqual([]);
  });

  it("refuses an objection posted from another site", async () => {
    const response = await visit("/_stylist/why/object", {
      method: "POST",
      headers: { origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});
