import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Background } from "../background.ts";
import type { SourceState } from "../source.ts";
import { median, round } from "../stats.ts";
import type { LoadMetrics } from "./measure.ts";

export const RESULTS_FILE = fileURLToPath(new URL("./results.json", import.meta.url));
const BIOME = fileURLToPath(new URL("../../node_modules/.bin/biome", import.meta.url));
const DOC_FILE = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));
const START =
  "<!-- bench:browser:start (npm run bench:browser rewrites this part from bench/browser/results.json) -->";
const END = "<!-- bench:browser:end -->";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RunRecord extends LoadMetrics {
  round: number;
  /** Position in the round (0 = loaded first). */
  order: number;
}

export interface ContestantResult {
  /** Contestant and page, e.g. "b-slow". */
  id: string;
  label: string;
  page: string;
  url: string;
  medians: {
    fcpMs: number | null;
    lcpMs: number | null;
    cls: number | null;
    responseStartMs: number | null;
    loadMs: number | null;
    revealedMs?: number | null;
    /** rAF time of the first frame that painted the title. */
    titleShownMs: number | null;
  };
  fcpRangeMs: [number, number] | null;
  /** Against (a) on the same page in the same round, median of the per-round differences; null for (a) itself. */
  vsOrigin: { fcpMs: number | null; lcpMs: number | null } | null;
  /** The product title in the frame FCP reported, over the runs; absent: not in the page yet. */
  titleInFirstFrame: TitleTally;
  /** The title in the first frame that painted it, over the runs: what the shopper saw first. */
  titleFirstPainted: TitleTally;
  screenshot: {
    file: string;
    /** The frame saved: the one FCP reported, from a screencast of a separate, untimed load. */
    frameAtMs: number | null;
    frameBytes: number;
    fcpMs: number | null;
    fcpPaintTimeMs: number | null;
    titleInFirstFrame: string | null;
    framesBeforeIt: number;
    frames: number;
  } | null;
  runs: RunRecord[];
}

export interface BrowserResults {
  generatedBy: string;
  date: string;
  durationSeconds: number;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    platform: string;
    node: string;
    chromium: string;
    playwrightCore: string;
    wrangler: string;
  };
  source: SourceState;
  background: Background;
  settings: {
    pages: Array<{ id: string; path: string; label: string }>;
    rounds: number;
    warmupRounds: number;
    throttling: { latencyMs: number; downloadMbps: number; uploadMbps: number; cpuSlowdown: number };
    viewport: { width: number; height: number };
    userAgent: string;
    originalTitle: string;
    personalisedTitle: string;
    vendorDelayMs: number;
    antiFlickerTimeoutMs: number;
    rulesRefreshSeconds: number;
    rulesVersion: number;
    visitor: string;
  };
  checks: Check[];
  /** The streamed page fetched outside the browser: when its first and last body bytes arrived, by encoding asked. */
  streaming: StreamingProbe[];
  contestants: ContestantResult[];
}

export interface StreamingProbe {
  label: string;
  acceptEncoding: string;
  contentEncoding: string | null;
  firstBodyByteMs: number;
  lastBodyByteMs: number;
}

const values = (runs: readonly RunRecord[], pick: (run: RunRecord) => number | null | undefined) =>
  runs.map(pick).filter((value): value is number => typeof value === "number");

const medianOf = (runs: readonly RunRecord[], pick: (run: RunRecord) => number | null | undefined) => {
  const list = values(runs, pick);
  return list.length > 0 ? round(median(list), 4) : null;
};

export interface TitleTally {
  personalised: number;
  original: number;
  absent: number;
  other: number;
  of: number;
}

function tally(titles: ReadonlyArray<string | null>, personalised: string, original: string): TitleTally {
  const count = (test: (title: string | null) => boolean) => titles.filter(test).length;
  return {
    personalised: count((title) => title === personalised),
    original: count((title) => title === original),
    absent: count((title) => title === null),
    other: count((title) => title !== null && title !== personalised && title !== original),
    of: titles.length,
  };
}

export function summarise(runs: readonly RunRecord[], personalisedTitle: string, originalTitle: string) {
  const fcps = values(runs, (run) => run.fcpMs);
  return {
    medians: {
      fcpMs: medianOf(runs, (run) => run.fcpMs),
      lcpMs: medianOf(runs, (run) => run.lcpMs),
      cls: medianOf(runs, (run) => run.cls),
      responseStartMs: medianOf(runs, (run) => run.responseStartMs),
      loadMs: medianOf(runs, (run) => run.loadMs),
      ...(runs.some((run) => run.revealedMs !== undefined)
        ? { revealedMs: medianOf(runs, (run) => run.revealedMs) }
        : {}),
      titleShownMs: medianOf(runs, (run) => run.titleFirstPainted?.frameAtMs),
    },
    fcpRangeMs: fcps.length > 0 ? ([Math.min(...fcps), Math.max(...fcps)] as [number, number]) : null,
    titleInFirstFrame: tally(
      runs.map((run) => run.titleInFirstFrame),
      personalisedTitle,
      originalTitle,
    ),
    titleFirstPainted: tally(
      runs.map((run) => run.titleFirstPainted?.text ?? null),
      personalisedTitle,
      originalTitle,
    ),
  };
}

const ms = (value: number | null | undefined) =>
  value === null || value === undefined ? "–" : Math.round(value).toLocaleString("en-GB");

const signed = (value: number | null | undefined) =>
  value === null || value === undefined ? "–" : `${value > 0 ? "+" : ""}${ms(value)}`;

function describeTally(tally: TitleTally, absentLabel: string): string {
  const parts = [
    tally.personalised > 0 ? `personalised ${tally.personalised}` : "",
    tally.original > 0 ? `original ${tally.original}` : "",
    tally.absent > 0 ? `${absentLabel} ${tally.absent}` : "",
    tally.other > 0 ? `other ${tally.other}` : "",
  ].filter((part) => part !== "");
  // Yes when no frame showed any other title: a first frame painted before the title was parsed shows no title.
  const verdict =
    tally.personalised === 0 ? "no" : tally.original === 0 && tally.other === 0 ? "**yes**" : "sometimes";
  return `${verdict} (${parts.join(", ") || "no runs"} of ${tally.of})`;
}

export function renderBrowserSection(results: BrowserResults): string {
  const m = results.machine;
  const s = results.settings;
  const t = s.throttling;
  const pageLabel = (id: string) => {
    const page = s.pages.find((candidate) => candidate.id === id);
    return page ? `\`${page.path}\`` : id;
  };
  const lines = [
    START,
    "",
    `Run ${results.date.slice(0, 16).replace("T", " ")} UTC in ${results.durationSeconds} s on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform};`,
    `Chromium ${m.chromium} (headless) driven by playwright-core ${m.playwrightCore}; Node ${m.node}; wrangler ${m.wrangler}. Code: commit ${results.source.commit}${results.source.uncommitted.length > 0 ? ` with uncommitted changes to ${results.source.uncommitted.length} file(s) under src/` : ""}.`,
    `Throttling: ${t.latencyMs} ms added latency, ${t.downloadMbps} Mbps down / ${t.uploadMbps} Mbps up, CPU slowed ${t.cpuSlowdown}×; viewport ${s.viewport.width}×${s.viewport.height}; a fresh browser context (empty cache) for every load.`,
    `${s.rounds} rounds after ${s.warmupRounds} discarded warm-up round; each round loads every row once, in an order that rotates from round to round. The snippet's vendor answers after ${s.vendorDelayMs} ms; its failsafe is ${s.antiFlickerTimeoutMs / 1000} s. Machine busy with other processes before the run: ${Math.round((results.background.busyShareBeforeRun ?? 0) * 100)}%.`,
    "",
    "| Page | Contestant | FCP ms, median (min–max) | FCP vs (a), ms | LCP ms, median | LCP vs (a), ms | CLS, median | document first byte ms | personalised text in the first painted frame | personalised text when the title was first painted |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...results.contestants.map((c) => {
      const range = c.fcpRangeMs ? ` (${ms(c.fcpRangeMs[0])}–${ms(c.fcpRangeMs[1])})` : "";
      return `| ${pageLabel(c.page)} | ${c.label} | ${ms(c.medians.fcpMs)}${range} | ${signed(c.vsOrigin?.fcpMs)} | ${ms(c.medians.lcpMs)} | ${signed(c.vsOrigin?.lcpMs)} | ${c.medians.cls ?? "–"} | ${ms(c.medians.responseStartMs)} | ${describeTally(c.titleInFirstFrame, "title not painted yet")} | ${describeTally(c.titleFirstPainted, "never")} |`;
    }),
    "",
    "The frame FCP reported, from a screencast of one more (untimed) load of each row:",
    "",
    ...results.contestants.flatMap((c) =>
      c.screenshot
        ? [
            `- ${pageLabel(c.page)}, ${c.label}: [\`${c.screenshot.file.replace(/^bench\/browser\//, "")}\`](../${c.screenshot.file}) (frame at ${ms(c.screenshot.frameAtMs)} ms, FCP ${ms(c.screenshot.fcpMs)} ms; title in that frame: ${c.screenshot.titleInFirstFrame === null ? "not painted yet" : `"${c.screenshot.titleInFirstFrame}"`})`,
          ]
        : [],
    ),
    "",
    "The streamed page fetched outside the browser (median of 3, ms from the request):",
    "",
    ...results.streaming.map(
      (probe) =>
        `- ${probe.label}, \`Accept-Encoding: ${probe.acceptEncoding}\` (answered ${probe.contentEncoding ?? "uncompressed"}): first body byte ${ms(probe.firstBodyByteMs)}, last ${ms(probe.lastBodyByteMs)}`,
    ),
    "",
    ...results.checks.map((check) => `- ${check.ok ? "✓" : "✗"} ${check.name}: ${check.detail}`),
    "",
    END,
  ];
  return lines.join("\n");
}

/** Written as the repository's formatter (biome, which lints this directory) would lay it out. */
export function writeBrowserResults(results: BrowserResults): void {
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  try {
    execFileSync(BIOME, ["format", "--write", RESULTS_FILE], { stdio: "ignore" });
  } catch {
    // Unformatted JSON is still the same results; `npm run format` tidies it.
  }
}

/** Rewrites the part of docs/benchmarks.md between this harness's own markers; returns false if they are missing. */
export function updateBrowserDoc(results: BrowserResults): boolean {
  const doc = readFileSync(DOC_FILE, "utf8");
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) return false;
  writeFileSync(DOC_FILE, doc.slice(0, start) + renderBrowserSection(results) + doc.slice(end + END.length));
  return true;
}
