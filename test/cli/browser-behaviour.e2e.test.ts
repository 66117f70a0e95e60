import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHROMIUM_ARGS } from "../../src/cli/verify/browser.ts";
import { BROWSER_UA } from "../support/browser-agent.ts";
import { useDemoStack } from "../support/demo-stack.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) {
  if (process.env.CI === "true") throw new Error(`${CHROMIUM} is missing: CI must run the browser tour test`);
  console.warn(`SKIPPED: the browser tour test needs ${CHROMIUM} (apt-get install -y chromium)`);
}

const stack = useDemoStack();

interface Why {
  heldBack: boolean;
  stored: { profile: { categoriesViewed: Record<string, number> } | null } | null;
  audiences: Array<{ id: string }>;
  experiences: Array<{ experiment: string; youSee: string }>;
}

/**
 * The tour's behavioural step in a real browser: Chromium keeps the storefront's `public, max-age=60` pages in its
 * cache and revalidates them with If-None-Match, which curl never does. Every view must still reach the profile.
 */
describe("the tour's behavioural step in Chromium", () => {
  (hasBrowser ? it : it.skip)(
    "browsing trail running twice, then going home, puts the visitor in the audience and shows their arm",
    { timeout: 240_000 },
    async () => {
      const { chromium } = await import("playwright-core");
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
      });
      try {
        // Headless Chromium announces itself as HeadlessChrome, which Stylist serves as a bot: play a desktop Chrome.
        const context = await browser.newContext({ userAgent: BROWSER_UA });
        const page = await context.newPage();
        const statuses: number[] = [];
        page.on("response", (response) => {
          if (new URL(response.url()).pathname === "/category/trail-running")
            statuses.push(response.status());
        });
        const proxy = stack.demo.proxyUrl;
        await page.goto(`${proxy}/category/trail-running`);
        await page.goto(`${proxy}/`);
        await page.goto(`${proxy}/category/trail-running`);
        await page.goto(`${proxy}/`);
        // The second category view came from the browser's cache, revalidated or not; either way it was counted.
        expect(statuses.length).toBeGreaterThanOrEqual(1);

        const whyResponse = await context.request.get(`${proxy}/_stylist/why`, {
          headers: { accept: "application/json" },
        });
        const why = (await whyResponse.json()) as Why;
        expect(why.stored?.profile?.categoriesViewed["trail-running"]).toBe(2);
        expect(why.audiences.map((audience) => audience.id)).toContain("trail-running-browser");
        const banner = why.experiences.find((entry) => entry.experiment === "trail-running-banner");
        // A fresh visitor is in the demo's 5% programme holdout one time in twenty: no experiment, so no banner.
        expect(banner === undefined).toBe(why.heldBack);
        const bannerText = await page.locator("aside.trail-banner").count();
        // A test against a control: half of such visitors get the banner; the page matches the arm /why reports.
        expect(bannerText).toBe(banner?.youSee === 'version "new-season"' ? 1 : 0);
      } finally {
        await browser.close();
      }
    },
  );
});

describe("the demo's location", () => {
  it("is a UK town, not the local runtime's stand-in Austin", async () => {
    // 80% of visitors are in pdp-delivery-reassurance and half of those see "delivery to {{city}}": among 20 fresh
    // visitors some see it (all 20 missing it has a chance of about 1 in 28,000).
    const pages = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${stack.demo.proxyUrl}/products/skarn-fellrunner-6`, {
          headers: { "user-agent": BROWSER_UA },
        }).then((response) => response.text()),
      ),
    );
    expect(pages.some((page) => page.includes("Free next-day delivery to Keswick"))).toBe(true);
    expect(pages.some((page) => page.includes("Austin"))).toBe(false);
  });
});
