import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createPreviewToken } from "../../src/core/signing/preview.ts";
import { kvRuleStore } from "../../src/rules/store.ts";
import { pushRules } from "../../src/rules/versions.ts";
import { alwaysVariant, heroExperiment } from "../fixtures/experiments.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { cookieJar, publish, storedEvents, visit } from "./helpers.ts";

const SECRET = "test-secret-0123456789abcdef";
/** What headless Chromium sends: it names itself, so Stylist serves it as a bot. */
const HEADLESS =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36";
const VARIANT_HEADLINE = "<h1>Tested on the fells</h1>";

describe("headless browsers: bots by default, QA by a signed link", () => {
  it("serve headless Chromium the origin page with no cookie", async () => {
    await publish([alwaysVariant()]);
    const response = await visit("/", { headers: { "user-agent": HEADLESS } });
    expect(await response.text()).toBe(HOME_HTML);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("let headless Chromium holding a preview link see the arm, with no visitor cookie and nothing logged", async () => {
    await publish([heroExperiment({ id: "draft-hero", status: "draft" })]);
    const token = await createPreviewToken({ "draft-hero": "promise" }, 600, SECRET, Date.now());
    const response = await visit(`/?stylist_preview=${token}`, { headers: { "user-agent": HEADLESS } });
    expect(await response.text()).toContain(VARIANT_HEADLINE);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("set-cookie") ?? "").not.toContain("stylist_vid");
  });

  it("give a QA pass (a token with no arms) the site as a visitor gets it, the same on every reload, logged never", async () => {
    await publish([alwaysVariant()]);
    const token = await createPreviewToken({}, 600, SECRET, Date.now());
    const first = await visit(`/?stylist_preview=${token}`, { headers: { "user-agent": HEADLESS } });
    expect(await first.text()).toContain(VARIANT_HEADLINE);
    expect(first.headers.get("set-cookie") ?? "").not.toContain("stylist_vid");
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const next = await visit("/home", { cookie, headers: { "user-agent": HEADLESS } });
    expect(await next.text()).toContain(VARIANT_HEADLINE);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await storedEvents()).toEqual([]);
  });

  it("tell a headless browser at /_stylist/why that it was treated as a bot, and how QA gets in", async () => {
    const json = await visit("/_stylist/why", {
      headers: { "user-agent": HEADLESS, accept: "application/json" },
    });
    expect(((await json.json()) as { gate: string }).gate).toBe("bot");
    const page = await (await visit("/_stylist/why", { headers: { "user-agent": HEADLESS } })).text();
    expect(page).toContain("treated as a bot");
    expect(page).toContain("npx stylist preview --qa");
  });
});

describe("the visitor's own page, /_stylist/why", () => {
  it("says what is stored in words, not JSON, and asks for no favicon", async () => {
    await pushRules(
      kvRuleStore(env.RULES),
      { experiments: [], settings: { taxonomy: [{ pattern: "/c/:category", type: "category" }] } } as never,
      { author: "test", message: "why" },
    );
    const browser = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36" };
    const jar = new Map<string, string>();
    const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    for (let i = 0; i < 2; i++) {
      const response = await visit("/c/trail-running", { cookie: cookie(), headers: browser });
      await response.text();
      for (const pair of cookieJar(response).split("; ").filter(Boolean)) {
        const [name, value] = pair.split(/=(.*)/s) as [string, string];
        jar.set(name, value);
      }
    }
    const page = await (await visit("/_stylist/why", { cookie: cookie(), headers: browser })).text();
    expect(page).toContain("categories viewed: trail running (2 views)");
    expect(page).not.toContain("{&quot;");
    expect(page).toContain('<link rel="icon" href="data:,">');
  });
});
