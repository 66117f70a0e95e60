// `npm run bench:browser`: one product page loaded in headless Chromium under network and CPU throttling,
// (a) from the origin, (b) through Stylist with the visitor in a variant that rewrites the product title, and
// (c) from the origin with a client-side A/B testing snippet (anti-flicker + async vendor script) making the same
// change, on the page sent at once and on the same page streamed over 500 ms. Writes bench/browser/results.json,
// the first painted frame of each contestant on each page (bench/browser/results/*.png), and the table in
// docs/benchmarks.md. The method and its caveats are described there.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { ensureDevSecrets, ROOT, startDemo } from "../../demo/run-demo.ts";
import { CHROMIUM_ARGS } from "../../src/cli/verify/browser.ts";
import { finishBackground, sampleBackground } from "../background.ts";
import { PRODUCT_PATH, SLOW_PATH } from "../config.ts";
import { describeSource } from "../source.ts";
import { median, round } from "../stats.ts";
import { startDirectWorker } from "./direct-worker.ts";
import { CHROMIUM, loadOnce, THROTTLING, VIEWPORT } from "./measure.ts";
import {
  type BrowserResults,
  type Check,
  type ContestantResult,
  RESULTS_FILE,
  type RunRecord,
  renderBrowserSection,
  type StreamingProbe,
  summarise,
  updateBrowserDoc,
  writeBrowserResults,
} from "./report.ts";
import { forcedVisitorCookie, PERSONALISED_TITLE, pushBenchRules } from "./rules.ts";
import {
  ANTI_FLICKER_TIMEOUT_MS,
  type LocalServer,
  snippetHtml,
  startInjector,
  startVendor,
  VENDOR_DELAY_MS,
  vendorScript,
} from "./snippet.ts";

const ROUNDS = Number(process.env.BENCH_BROWSER_ROUNDS ?? 7);
const WARMUP_ROUNDS = 1;
/** No round starts if, at the pace so far, it and the screenshots would end after this: fewer rounds, not a kill. */
const ROUNDS_BUDGET_MS = 190_000;
/** The whole run must finish well inside four minutes; past this it stops and writes nothing. */
const DEADLINE_MS = 225_000;
const RULES_REFRESH_SECONDS = 0;
const SCREENSHOT_DIR = fileURLToPath(new URL("./results/", import.meta.url));
/**
 * The product page as the origin serves it (at once, in 16 KB writes), and the same page with <head> sent at once
 * and the rest over 500 ms, as a server-rendering origin would: the first is the client-side snippet's worst case
 * (nothing to overlap its wait with), the second its best.
 */
const PAGES = [
  { id: "fast", path: PRODUCT_PATH, label: "product page" },
  { id: "slow", path: SLOW_PATH, label: "streamed over 500 ms" },
] as const;
/** `BENCH_BROWSER_FRAMES_DIR=/tmp/frames` also keeps every screencast frame of the screenshot loads, to look at. */
const FRAMES_DIR = process.env.BENCH_BROWSER_FRAMES_DIR;

const started = performance.now();
const log = (line: string) =>
  console.log(`[bench:browser ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function versionOf(pkg: string): string {
  const require = createRequire(import.meta.url);
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version: string })
    .version;
}

/** When the first and the last body bytes of `url` arrive (decoded, so a compressed body counts when it decodes). */
async function bodyTiming(url: string, headers: Record<string, string>) {
  const startedAt = performance.now();
  const response = await fetch(url, { headers });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let first: number | undefined;
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
    first ??= performance.now() - startedAt;
  }
  return {
    contentEncoding: response.headers.get("content-encoding"),
    first: first ?? Number.NaN,
    last: performance.now() - startedAt,
  };
}

async function fetchText(url: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(url, { headers: { accept: "text/html", ...headers } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.text();
}

type Page = (typeof PAGES)[number];

interface Contestant {
  id: "a" | "b" | "c";
  slug: string;
  label: string;
  base: string;
  cookies?: Array<{ name: string; value: string; url: string }>;
}

/** One contestant on one page: what a round loads. */
interface Entry {
  key: string;
  contestant: Contestant;
  page: Page;
  url: string;
}

const persistTo = mkdtempSync(join(tmpdir(), "stylist-browser-state-"));
const servers: LocalServer[] = [];
let stopDemo: (() => Promise<void>) | undefined;
let browserToClose: Browser | undefined;
/** Everything this run started: the browser, the local servers, wrangler dev and the storefront, the state dir. */
async function cleanup(): Promise<void> {
  await browserToClose?.close().catch(() => {});
  for (const server of servers) await server.close().catch(() => {});
  await stopDemo?.().catch(() => {});
  rmSync(persistTo, { recursive: true, force: true });
}
let timedOut = false;
const watchdog = setTimeout(() => {
  timedOut = true;
  console.error(`[bench:browser] still running after ${DEADLINE_MS / 1000} s: giving up, no results written`);
  void Promise.race([cleanup(), new Promise((resolve) => setTimeout(resolve, 10_000))]).finally(() =>
    process.exit(1),
  );
}, DEADLINE_MS);
watchdog.unref();

const background = await sampleBackground(1_000);
const source = describeSource();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
browserToClose = browser;
try {
  const [port, originPort] = [await freePort(), await freePort()];
  log(`starting the demo stack (storefront :${originPort}, wrangler dev :${port}, state in ${persistTo})`);
  const demo = await startDemo({ port, originPort, persistTo, refreshSeconds: RULES_REFRESH_SECONDS });
  const direct = await startDirectWorker({
    persistTo,
    originUrl: demo.originUrl,
    secrets: ensureDevSecrets(),
    refreshSeconds: RULES_REFRESH_SECONDS,
  });
  // Only for the streaming probe below: the same worker handing rewritten pages over uncompressed.
  const frontLine = await startDirectWorker({
    persistTo,
    originUrl: demo.originUrl,
    secrets: ensureDevSecrets(),
    refreshSeconds: RULES_REFRESH_SECONDS,
    compression: "front-line",
  });
  stopDemo = async () => {
    await frontLine.stop();
    await direct.stop();
    await demo.stop();
  };
  log(
    `Stylist on a direct workerd socket at ${direct.url} (the browser's (b)); wrangler dev at ${demo.proxyUrl}`,
  );
  const paths = PAGES.map((page) => page.path.split("?")[0] as string);
  const snapshot = await pushBenchRules(persistTo, paths);
  log(`demo up; pushed rules version ${snapshot.version} (${snapshot.experiments.length} experiments)`);

  // Headless Chromium says "HeadlessChrome" in its user agent, which is a known bot: Stylist would (rightly) serve
  // it the plain page. Every contestant gets the user agent of the same Chrome release with a screen.
  const chromiumVersion = browser.version();
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chromiumVersion.split(".")[0]}.0.0.0 Safari/537.36`;
  const secret = ensureDevSecrets().VISITOR_SECRET as string;
  const visitor = await forcedVisitorCookie(snapshot, paths, userAgent, secret);

  const vendor = await startVendor(vendorScript("#product-title", PERSONALISED_TITLE));
  servers.push(vendor);
  const snippet = snippetHtml(`${vendor.url}/ab.js`);
  const injector = await startInjector(demo.originUrl, snippet);
  servers.push(injector);

  const contestants: Contestant[] = [
    { id: "a", slug: "a-origin", label: "(a) Origin directly", base: demo.originUrl },
    {
      id: "b",
      slug: "b-stylist",
      label: "(b) Through Stylist, variant",
      base: direct.url,
      cookies: [{ name: "stylist_vid", value: visitor.value, url: direct.url }],
    },
    { id: "c", slug: "c-client-snippet", label: "(c) Origin + client-side A/B snippet", base: injector.url },
  ];
  const entries: Entry[] = PAGES.flatMap((page) =>
    contestants.map((contestant) => ({
      key: `${contestant.id}-${page.id}`,
      contestant,
      page,
      url: `${contestant.base}${page.path}`,
    })),
  );

  // The same edit, checked byte for byte: (b) and (c) must differ from the origin only as intended.
  const checks: Check[] = [];
  let originalTitle = "";
  for (const page of PAGES) {
    const originHtml = await fetchText(`${demo.originUrl}${page.path}`, { "user-agent": userAgent });
    originalTitle = /<h1 id="product-title">([^<]*)<\/h1>/.exec(originHtml)?.[1] ?? "";
    const expectedVariant = originHtml.replace(
      `<h1 id="product-title">${originalTitle}</h1>`,
      `<h1 id="product-title">${PERSONALISED_TITLE}</h1>`,
    );
    const stylistHtml = await fetchText(`${direct.url}${page.path}`, {
      "user-agent": userAgent,
      cookie: `stylist_vid=${visitor.value}`,
    });
    checks.push({
      name: `${page.label}: Stylist's page for this visitor is the origin's with only the title changed`,
      ok: originalTitle !== "" && stylistHtml === expectedVariant,
      detail:
        stylistHtml === expectedVariant
          ? `byte-identical apart from the title (${stylistHtml.length} characters)`
          : `differs: ${stylistHtml.length} vs ${expectedVariant.length} characters expected`,
    });
    const snippetPage = await fetchText(`${injector.url}${page.path}`, { "user-agent": userAgent });
    checks.push({
      name: `${page.label}: the snippet page is the origin's with only the snippet added`,
      ok: snippetPage.includes(snippet) && snippetPage.replace(snippet, "") === originHtml,
      detail: `${snippet.length} characters inserted before <title>`,
    });
  }
  for (const check of checks) log(`${check.ok ? "ok  " : "FAIL"} ${check.name}: ${check.detail}`);
  if (checks.some((check) => !check.ok)) throw new Error("a correctness check failed; nothing measured");

  const load = (entry: Entry, screencast = false) =>
    loadOnce(browser, {
      url: entry.url,
      userAgent,
      ...(entry.contestant.cookies ? { cookies: entry.contestant.cookies } : {}),
      screencast,
    });

  // Every round loads each entry once, starting one further along each time, so a slow patch of the machine is
  // shared out rather than landing on one contestant.
  const runs = new Map<string, RunRecord[]>(entries.map((entry) => [entry.key, []]));
  let roundsDone = 0;
  let slowestRoundMs = 0;
  for (let round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
    // The screenshots cost about one more round.
    if (performance.now() - started + 2 * slowestRoundMs > ROUNDS_BUDGET_MS) {
      log(`stopping after ${roundsDone} rounds: another would overrun the time budget on this machine`);
      break;
    }
    const roundStarted = performance.now();
    const offset = (((round + WARMUP_ROUNDS) % entries.length) + entries.length) % entries.length;
    const order = entries.map((_, i) => entries[(i + offset) % entries.length] as Entry);
    const line: string[] = [];
    for (const [position, entry] of order.entries()) {
      const { metrics } = await load(entry);
      const shown =
        metrics.titleInFirstFrame === null
          ? "-"
          : metrics.titleInFirstFrame === PERSONALISED_TITLE
            ? "P"
            : "O";
      line.push(`${entry.key} ${metrics.fcpMs}/${metrics.lcpMs} ${shown}`);
      if (round >= 0) runs.get(entry.key)?.push({ ...metrics, round, order: position });
    }
    slowestRoundMs = Math.max(slowestRoundMs, performance.now() - roundStarted);
    if (round >= 0) roundsDone += 1;
    log(
      `${round < 0 ? "warm-up" : `round ${round + 1}/${ROUNDS}`} (FCP/LCP ms, title in the first frame: P personalised, O original, - not yet): ${line.join("  ")}`,
    );
  }

  // Screenshots come from separate, untimed loads: the screencast makes the browser encode every frame as PNG,
  // which would tax the timed loads on a two-core machine.
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const shots = new Map<string, ContestantResult["screenshot"]>();
  for (const entry of entries) {
    const { metrics, frames } = await load(entry, true);
    const fcp = metrics.fcpMs;
    // The screencast stamps a frame after its rendering update ends (FCP's paintTime) and a few milliseconds before
    // it is presented (FCP's startTime): the FCP frame is the first stamped at or after paintTime.
    const paintEnd = metrics.fcpPaintTimeMs ?? (fcp === null ? null : fcp - 20);
    const index = paintEnd === null ? -1 : frames.findIndex((frame) => frame.atMs >= paintEnd);
    const frame = frames[index];
    if (frame && frames[0] && index > 0 && frame.png.equals(frames[0].png))
      log(`warning: the frame saved for ${entry.key} is identical to the blank first frame`);
    const file = join(SCREENSHOT_DIR, `${entry.contestant.slug}-${entry.page.id}-first-paint.png`);
    if (frame) writeFileSync(file, frame.png);
    if (FRAMES_DIR) {
      mkdirSync(FRAMES_DIR, { recursive: true });
      for (const [i, f] of frames.entries())
        writeFileSync(join(FRAMES_DIR, `${entry.key}-${i}-${Math.round(f.atMs)}ms.png`), f.png);
    }
    shots.set(entry.key, {
      file: relative(ROOT, file),
      frameAtMs: frame?.atMs ?? null,
      frameBytes: frame?.png.length ?? 0,
      fcpMs: fcp,
      fcpPaintTimeMs: metrics.fcpPaintTimeMs,
      titleInFirstFrame: metrics.titleInFirstFrame,
      framesBeforeIt: Math.max(0, index),
      frames: frames.length,
    });
    log(
      `screenshot ${entry.key}: frames at ${frames.map((f) => f.atMs).join(", ")} ms; FCP ${fcp} ms; FCP frame ended ${metrics.fcpPaintTimeMs} ms; saved the one at ${frame?.atMs} ms; title in it "${metrics.titleInFirstFrame}", first painted "${metrics.titleFirstPainted?.text}" at ${metrics.titleFirstPainted?.frameAtMs} ms`,
    );
  }

  // The streamed page outside the browser, to tell the runtime's buffering from the browser's own work.
  const slow = PAGES.find((page) => page.id === "slow")?.path ?? "";
  const streaming: StreamingProbe[] = [];
  for (const [label, base, encoding] of [
    ["(a) origin", demo.originUrl, "gzip, deflate, br, zstd"],
    ["(b) Stylist, direct workerd socket", direct.url, "gzip, deflate, br, zstd"],
    ["(b) Stylist, direct workerd socket", direct.url, "identity"],
    ["Stylist with COMPRESSION=front-line (not used for (b))", frontLine.url, "gzip, deflate, br, zstd"],
    ["Stylist under wrangler dev (not used for (b))", demo.proxyUrl, "gzip, deflate, br, zstd"],
    ["Stylist under wrangler dev (not used for (b))", demo.proxyUrl, "identity"],
  ] as const) {
    const samples = [];
    for (let i = 0; i < 3; i++) {
      samples.push(
        await bodyTiming(`${base}${slow}`, {
          accept: "text/html",
          "accept-encoding": encoding,
          "user-agent": userAgent,
          ...(base === demo.originUrl ? {} : { cookie: `stylist_vid=${visitor.value}` }),
        }),
      );
    }
    streaming.push({
      label,
      acceptEncoding: encoding,
      contentEncoding: samples[0]?.contentEncoding ?? null,
      firstBodyByteMs: round(median(samples.map((sample) => sample.first)), 1),
      lastBodyByteMs: round(median(samples.map((sample) => sample.last)), 1),
    });
  }
  for (const probe of streaming)
    log(
      `${slow} ${probe.label}, Accept-Encoding ${probe.acceptEncoding}: ${probe.contentEncoding ?? "uncompressed"}, first body byte ${probe.firstBodyByteMs} ms, last ${probe.lastBodyByteMs} ms`,
    );

  // Each contestant against the origin on the same page in the same round: the machine's drift cancels out.
  const versusOrigin = (entry: Entry, pick: (run: RunRecord) => number | null) => {
    const own = runs.get(entry.key) ?? [];
    const origin = runs.get(`a-${entry.page.id}`) ?? [];
    const differences = own.flatMap((run) => {
      const base = origin.find((candidate) => candidate.round === run.round);
      const mine = pick(run);
      const theirs = base ? pick(base) : null;
      return mine !== null && theirs !== null ? [mine - theirs] : [];
    });
    return differences.length > 0 ? round(median(differences), 1) : null;
  };

  const results: BrowserResults = {
    generatedBy: "npm run bench:browser",
    date: new Date().toISOString(),
    durationSeconds: Math.round((performance.now() - started) / 1000),
    machine: {
      cpu: cpus()[0]?.model.trim() ?? "unknown",
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      platform: `${process.platform} ${process.arch}`,
      node: process.version,
      chromium: chromiumVersion,
      playwrightCore: versionOf("playwright-core"),
      wrangler: versionOf("wrangler"),
    },
    source,
    background: finishBackground(background),
    settings: {
      pages: PAGES.map((page) => ({ ...page })),
      rounds: roundsDone,
      warmupRounds: WARMUP_ROUNDS,
      throttling: { ...THROTTLING },
      viewport: { ...VIEWPORT },
      userAgent,
      originalTitle,
      personalisedTitle: PERSONALISED_TITLE,
      vendorDelayMs: VENDOR_DELAY_MS,
      antiFlickerTimeoutMs: ANTI_FLICKER_TIMEOUT_MS,
      rulesRefreshSeconds: RULES_REFRESH_SECONDS,
      rulesVersion: snapshot.version,
      visitor: `stylist_vid for id ${visitor.id}: the variant of the title experiment, the control of every other experiment on these pages`,
    },
    checks,
    streaming,
    contestants: entries.map((entry) => {
      const list = runs.get(entry.key) ?? [];
      return {
        id: entry.key,
        label: entry.contestant.label,
        page: entry.page.id,
        url: entry.url,
        ...summarise(list, PERSONALISED_TITLE, originalTitle),
        vsOrigin:
          entry.contestant.id === "a"
            ? null
            : {
                fcpMs: versusOrigin(entry, (run) => run.fcpMs),
                lcpMs: versusOrigin(entry, (run) => run.lcpMs),
              },
        screenshot: shots.get(entry.key) ?? null,
        runs: list,
      };
    }),
  };
  const missing = results.contestants.flatMap((c) =>
    c.runs.filter((run) => run.fcpMs === null).map(() => c.id),
  );
  if (missing.length > 0) log(`warning: no FCP recorded in ${missing.length} load(s): ${missing.join(", ")}`);
  writeBrowserResults(results);
  const documented = updateBrowserDoc(results);
  console.log(`\n${renderBrowserSection(results)}\n`);
  log(
    `wrote ${relative(ROOT, RESULTS_FILE)}, screenshots in ${relative(ROOT, SCREENSHOT_DIR)}${documented ? " and the table in docs/benchmarks.md" : "; docs/benchmarks.md has no bench:browser markers, so it was left alone"}`,
  );
} catch (error) {
  // After the watchdog has fired, the run fails because it closed the browser under it: already reported.
  if (!timedOut) throw error;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
