// One page load in headless Chromium under network and CPU throttling, with the paint metrics the page itself
// reports (PerformanceObserver), and optionally a screencast of every frame the compositor produced.
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Chrome DevTools' throttling, applied per page before it navigates. */
export const THROTTLING = {
  latencyMs: 40,
  downloadMbps: 10,
  uploadMbps: 5,
  cpuSlowdown: 4,
} as const;

export const VIEWPORT = { width: 1280, height: 800 } as const;

/** How long to keep watching after the load event, so late LCP candidates and layout shifts are reported. */
const SETTLE_MS = 500;
const NAVIGATION_TIMEOUT_MS = 30_000;

/**
 * Runs in every page before its own scripts. Paint entries are buffered, so nothing is missed. What a frame showed
 * is read from a requestAnimationFrame log: a rendering update runs the rAF callbacks, then style, layout and paint,
 * with no task in between, so the DOM a callback sees is the DOM that frame painted. The FCP entry's `paintTime` is
 * when its rendering update ended (its `startTime` is when the frame was presented, later), so the frame FCP
 * reported is the last one whose rAF time is at or before `paintTime`. Reading the title in the FCP observer's
 * callback instead would be too late: that callback runs after presentation, when the parser has often moved on.
 * The log stops once the title has been painted visible (or after 2,000 frames).
 */
const INIT_SCRIPT = `(() => {
  const b = (window.__bench = { fp: null, fcp: null, fcpPaintTime: null, titleAtFcpCallback: null, lcp: null,
    lcpElement: null, lcpSize: null, shifts: [], frames: [] });
  const title = () => { const el = document.getElementById("product-title"); return el ? el.textContent : null; };
  const hidden = () => {
    const html = document.documentElement;
    return getComputedStyle(html).opacity === "0" || (document.body !== null && getComputedStyle(document.body).opacity === "0");
  };
  const tick = (at) => {
    const text = title();
    const concealed = hidden();
    b.frames.push([Math.round(at * 10) / 10, text, concealed]);
    if ((b.fcp !== null && text !== null && !concealed) || b.frames.length >= 2000) return;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const watch = (type, onEntry) => {
    try { new PerformanceObserver((list) => list.getEntries().forEach(onEntry)).observe({ type, buffered: true }); }
    catch (error) { b[type + "Error"] = String(error); }
  };
  watch("paint", (entry) => {
    if (entry.name === "first-paint") b.fp = entry.startTime;
    if (entry.name === "first-contentful-paint") {
      b.fcp = entry.startTime;
      b.fcpPaintTime = typeof entry.paintTime === "number" ? entry.paintTime : null;
      b.titleAtFcpCallback = title();
    }
  });
  watch("largest-contentful-paint", (entry) => {
    b.lcp = entry.startTime;
    b.lcpSize = entry.size;
    const el = entry.element;
    b.lcpElement = el ? el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") : null;
  });
  watch("layout-shift", (entry) => { if (!entry.hadRecentInput) b.shifts.push([entry.startTime, entry.value]); });
})();`;

/** One rendering update: its rAF time, the product title then (null: not parsed yet), and whether the page was hidden. */
type FrameRecord = [number, string | null, boolean];

interface PageReport {
  fp: number | null;
  fcp: number | null;
  fcpPaintTime: number | null;
  titleAtFcpCallback: string | null;
  frames: FrameRecord[];
  lcp: number | null;
  lcpElement: string | null;
  lcpSize: number | null;
  shifts: Array<[number, number]>;
  timeOrigin: number;
  titleAtEnd: string | null;
  navigation: {
    responseStart: number;
    responseEnd: number;
    domContentLoaded: number;
    load: number;
    transferSize: number;
    encodedBodySize: number;
    decodedBodySize: number;
  };
  revealed: { reason: string; at: number } | null;
  applied: number | null;
  started: number | null;
  resources: Resource[];
}

/** A subresource the page loaded: where from, when it started and finished (ms from navigation start), bytes. */
export interface Resource {
  url: string;
  startMs: number;
  responseStartMs: number;
  endMs: number;
  transferBytes: number;
  renderBlocking: string;
}

export interface LoadMetrics {
  fcpMs: number | null;
  lcpMs: number | null;
  /** Largest session window of layout shifts without recent input (1 s gap, 5 s cap), as Chrome computes CLS. */
  cls: number;
  firstPaintMs: number | null;
  /** When the rendering update that produced FCP ended (the FCP figure is when that frame was presented). */
  fcpPaintTimeMs: number | null;
  lcpElement: string | null;
  /**
   * The product title in the frame FCP reported: its text, or null when it was not in the page yet (the first frame
   * showed only what came before it). "unknown" if the frame could not be identified.
   */
  titleInFirstFrame: string | null;
  /** The title's text and the rAF time of the first frame that painted it visible. */
  titleFirstPainted: { text: string; frameAtMs: number } | null;
  /** For comparison: the title when the FCP observer's callback ran (after presentation; see INIT_SCRIPT). */
  titleAtFcpCallback: string | null;
  titleAtEnd: string | null;
  /** Time to the first byte of the document, from navigation start. */
  responseStartMs: number;
  responseEndMs: number;
  domContentLoadedMs: number;
  loadMs: number;
  /** Bytes of the HTML document over the wire (compressed, headers included) and decoded. */
  documentTransferBytes: number;
  documentDecodedBytes: number;
  /**
   * Contestant (c) only: when the vendor's script started running, when its change was applied, and when and why
   * the page was revealed.
   */
  vendorScriptRanMs?: number;
  appliedMs?: number;
  revealedMs?: number;
  revealReason?: string;
  resources: Resource[];
}

export interface ScreencastFrame {
  /** Milliseconds since the page's time origin (navigation start). */
  atMs: number;
  png: Buffer;
}

export interface LoadOptions {
  url: string;
  userAgent: string;
  cookies?: Array<{ name: string; value: string; url: string }>;
  screencast?: boolean;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

export function cumulativeLayoutShift(shifts: ReadonlyArray<readonly [number, number]>): number {
  let best = 0;
  let sum = 0;
  let windowStart = Number.NEGATIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const [at, value] of [...shifts].sort((a, b) => a[0] - b[0])) {
    if (at - last > 1_000 || at - windowStart > 5_000) {
      sum = 0;
      windowStart = at;
    }
    sum += value;
    last = at;
    best = Math.max(best, sum);
  }
  return Math.round(best * 10_000) / 10_000;
}

/** What the frame FCP reported showed of the title, and the first frame that showed it at all. */
export function titles(report: Pick<PageReport, "fcp" | "fcpPaintTime" | "frames">) {
  const end = report.fcpPaintTime ?? report.fcp;
  const first = end === null ? -1 : report.frames.findLastIndex(([at]) => at <= end);
  const frame = report.frames[first];
  const shown =
    first < 0 ? undefined : report.frames.slice(first).find(([, text, hidden]) => text !== null && !hidden);
  return {
    titleInFirstFrame: frame ? (frame[2] ? "(hidden)" : frame[1]) : "unknown",
    titleFirstPainted: shown ? { text: shown[1] as string, frameAtMs: shown[0] } : null,
  };
}

async function throttle(cdp: CDPSession): Promise<void> {
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: THROTTLING.latencyMs,
    downloadThroughput: (THROTTLING.downloadMbps * 1_000_000) / 8,
    uploadThroughput: (THROTTLING.uploadMbps * 1_000_000) / 8,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLING.cpuSlowdown });
}

/** Loads one page in a fresh context (empty cache, no cookies but the ones given) and reports what it measured. */
export async function loadOnce(
  browser: Browser,
  options: LoadOptions,
): Promise<{ metrics: LoadMetrics; frames: ScreencastFrame[] }> {
  const context: BrowserContext = await browser.newContext({
    userAgent: options.userAgent,
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
  });
  try {
    if (options.cookies) await context.addCookies(options.cookies);
    await context.addInitScript({ content: INIT_SCRIPT });
    const page: Page = await context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await throttle(cdp);
    const rawFrames: Array<{ timestamp: number; data: string }> = [];
    if (options.screencast) {
      cdp.on("Page.screencastFrame", (frame) => {
        rawFrames.push({ timestamp: frame.metadata.timestamp ?? 0, data: frame.data });
        void cdp.send("Page.screencastFrameAck", { sessionId: frame.sessionId }).catch(() => {});
      });
      await cdp.send("Page.startScreencast", {
        format: "png",
        maxWidth: VIEWPORT.width,
        maxHeight: VIEWPORT.height,
        everyNthFrame: 1,
      });
    }
    const response = await page.goto(options.url, { waitUntil: "load", timeout: NAVIGATION_TIMEOUT_MS });
    if (!response?.ok()) throw new Error(`${options.url} answered ${response?.status()}`);
    await page.waitForTimeout(SETTLE_MS);
    if (options.screencast) await cdp.send("Page.stopScreencast");
    const report = (await page.evaluate(() => {
      const w = window as unknown as {
        __bench: Omit<
          PageReport,
          "timeOrigin" | "titleAtEnd" | "navigation" | "revealed" | "applied" | "started" | "resources"
        >;
        __abRevealed?: { reason: string; at: number };
        __abApplied?: number;
        __abStarted?: number;
      };
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      return {
        ...w.__bench,
        timeOrigin: performance.timeOrigin,
        titleAtEnd: document.getElementById("product-title")?.textContent ?? null,
        navigation: {
          responseStart: nav.responseStart,
          responseEnd: nav.responseEnd,
          domContentLoaded: nav.domContentLoadedEventStart,
          load: nav.loadEventStart,
          transferSize: nav.transferSize,
          encodedBodySize: nav.encodedBodySize,
          decodedBodySize: nav.decodedBodySize,
        },
        revealed: w.__abRevealed ?? null,
        applied: w.__abApplied ?? null,
        started: w.__abStarted ?? null,
        resources: (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((entry) => ({
          url: entry.name.startsWith(location.origin) ? entry.name.slice(location.origin.length) : entry.name,
          startMs: Math.round(entry.startTime),
          responseStartMs: Math.round(entry.responseStart),
          endMs: Math.round(entry.responseEnd),
          transferBytes: entry.transferSize,
          renderBlocking:
            (entry as PerformanceResourceTiming & { renderBlockingStatus?: string }).renderBlockingStatus ??
            "",
        })),
      };
    })) as PageReport;
    const metrics: LoadMetrics = {
      fcpMs: report.fcp === null ? null : round1(report.fcp),
      lcpMs: report.lcp === null ? null : round1(report.lcp),
      cls: cumulativeLayoutShift(report.shifts),
      firstPaintMs: report.fp === null ? null : round1(report.fp),
      fcpPaintTimeMs: report.fcpPaintTime === null ? null : round1(report.fcpPaintTime),
      lcpElement: report.lcpElement,
      ...titles(report),
      titleAtFcpCallback: report.titleAtFcpCallback,
      titleAtEnd: report.titleAtEnd,
      responseStartMs: round1(report.navigation.responseStart),
      responseEndMs: round1(report.navigation.responseEnd),
      domContentLoadedMs: round1(report.navigation.domContentLoaded),
      loadMs: round1(report.navigation.load),
      documentTransferBytes: report.navigation.transferSize,
      documentDecodedBytes: report.navigation.decodedBodySize,
      ...(report.started !== null ? { vendorScriptRanMs: round1(report.started) } : {}),
      ...(report.applied !== null ? { appliedMs: round1(report.applied) } : {}),
      ...(report.revealed
        ? { revealedMs: round1(report.revealed.at), revealReason: report.revealed.reason }
        : {}),
      resources: report.resources,
    };
    const frames = rawFrames.map((frame) => ({
      atMs: round1(frame.timestamp * 1000 - report.timeOrigin),
      png: Buffer.from(frame.data, "base64"),
    }));
    return { metrics, frames };
  } finally {
    await context.close();
  }
}
