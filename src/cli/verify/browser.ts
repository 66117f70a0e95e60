import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import type { Probe } from "./probes.ts";
import type { BrowserArmReport } from "./report.ts";

/** Where a Chromium may be: `--chromium`, STYLIST_CHROMIUM, then Debian's and other distributions' paths. */
export function findChromium(given: string | undefined): string | undefined {
  const candidates = [
    given,
    process.env.STYLIST_CHROMIUM,
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path as string));
}

/** The flags a sandboxed, offline machine needs (no background networking: its connections are refused here). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const VIEWPORT = { width: 1280, height: 900 };

/** React, Vue, Svelte and Next.js phrase their hydration complaints in these words. */
const HYDRATION_ERROR =
  /hydrat|did not match|does not match server|server[- ]rendered|text content does not match|Minified React error #(418|419|421|422|423|425)/i;

/** Sums layout-shift entries not caused by input, from the first paint on, into `window.__stylistShift`. */
const OBSERVE_SHIFTS = `(() => {
  window.__stylistShift = 0;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__stylistShift += entry.value;
    }).observe({ type: "layout-shift", buffered: true });
  } catch {}
})();`;

export interface ArmToLoad {
  url: string;
  status: number;
  contentType: string | null;
  bytes: Uint8Array;
  probes: Probe[];
  /** Scrolled into view before the screenshot, the same in every arm of a page. */
  focus: string | undefined;
  /** `where` of each op, by index, for the report. */
  opWhere: (index: number) => string;
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

type ProbeResult = { ok: boolean; got: string };

/**
 * Loads one arm as a visitor would get it: the page request is answered with the served bytes, everything else
 * (scripts, styles, data) comes from the origin, and the page's scripts run and hydrate. Then every change is looked
 * for in the live DOM, and the console is read for hydration errors.
 */
export async function loadArm(browser: Browser, arm: ArmToLoad): Promise<BrowserArmReport> {
  try {
    return await loadArmOnce(browser, arm);
  } catch (error) {
    return {
      checked: 0,
      reverted: [],
      hydrationErrors: [],
      consoleErrors: [],
      layoutShift: 0,
      loadError: (error as Error).message.split("\n")[0] ?? "could not load the page",
    };
  }
}

async function loadArmOnce(browser: Browser, arm: ArmToLoad): Promise<BrowserArmReport> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const messages: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") messages.push(message.text());
    });
    page.on("pageerror", (error) => messages.push(error.message));
    await page.addInitScript(OBSERVE_SHIFTS);
    const headers: Record<string, string> = { "content-type": arm.contentType ?? "text/html" };
    await page.route(
      (url) => url.href === arm.url,
      (route) =>
        route.request().isNavigationRequest()
          ? route.fulfill({ status: arm.status, headers, body: Buffer.from(arm.bytes) })
          : route.continue(),
    );
    await page.goto(arm.url, { waitUntil: "load", timeout: 120_000 });
    // Data a page fetches after load (what many frameworks render from) has arrived once the network is idle; a page
    // that never goes idle (polling, beacons) is checked as it is after the wait.
    await page.waitForLoadState("networkidle", { timeout: 15_000 }).catch(() => {});
    // Hydration runs in tasks after load; two frames let the last of them paint.
    await page.evaluate(
      () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
    );
    const results: ProbeResult[] = await page.evaluate((probes: Probe[]) => {
      const collapse = (text: string | null) => (text ?? "").replace(/\s+/g, " ").trim();
      return probes.map((probe) => {
        const element = document.querySelector(probe.path);
        if (!element) return { ok: false, got: "(no such element)" };
        if (probe.kind === "attribute") {
          const value = element.getAttribute(probe.name);
          return { ok: value === probe.value, got: `${probe.name}=${value === null ? "(absent)" : value}` };
        }
        const text = collapse(element.textContent);
        if (probe.kind === "text") return { ok: text === probe.text, got: text };
        if (probe.kind === "contains") return { ok: text.includes(probe.text), got: text };
        return { ok: !text.includes(probe.text), got: text };
      });
    }, arm.probes);
    const layoutShift = await page.evaluate(
      () => (window as unknown as { __stylistShift?: number }).__stylistShift ?? 0,
    );
    if (arm.focus) {
      await page
        .evaluate(
          (path: string) => document.querySelector(path)?.scrollIntoView({ block: "center" }),
          arm.focus,
        )
        .catch(() => {});
    }
    const screenshot = await page.screenshot({ type: "jpeg", quality: 70 });
    const clip = (text: string) => (text.length > 160 ? `${text.slice(0, 159)}…` : text);
    return {
      checked: arm.probes.length,
      reverted: arm.probes.flatMap((probe, index) => {
        const result = results[index];
        if (!result || result.ok) return [];
        const expected =
          probe.kind === "attribute"
            ? `${probe.name}=${probe.value === null ? "(absent)" : probe.value}`
            : probe.kind === "lacks"
              ? `no "${clip(probe.text)}"`
              : clip(probe.text);
        return [{ where: arm.opWhere(probe.op), path: probe.path, expected, got: clip(result.got) }];
      }),
      hydrationErrors: messages.filter((message) => HYDRATION_ERROR.test(message)),
      consoleErrors: messages.filter((message) => !HYDRATION_ERROR.test(message)),
      layoutShift: Math.round(layoutShift * 10_000) / 10_000,
      screenshot: `data:image/jpeg;base64,${screenshot.toString("base64")}`,
    };
  } finally {
    await context.close();
  }
}
