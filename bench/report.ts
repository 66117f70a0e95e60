import { readFileSync, writeFileSync } from "node:fs";
import { breakdown } from "./breakdown.ts";
import type { ContestantResult, Results } from "./results.ts";

export const RESULTS_FILE = new URL("./results.json", import.meta.url);
export const DOC_FILE = new URL("../docs/benchmarks.md", import.meta.url);
const START = "<!-- bench:generated:start (npm run bench rewrites this part from bench/results.json) -->";
const END = "<!-- bench:generated:end -->";

const num = (value: number | undefined | null, digits = 2) =>
  value === undefined || value === null || Number.isNaN(value)
    ? "–"
    : value.toLocaleString("en-GB", { maximumFractionDigits: digits, minimumFractionDigits: 0 });

const ratio = (value: number | null) => (value === null ? "–" : `${num(value)}×`);

function counters(row: ContestantResult): [string, string] {
  if (!row.counters) return ["–", "–"];
  const { kvReadsPerRequest, kvReads, queueSendsPerRequest, queueMessagesPerRequest, queueEventsPerRequest } =
    row.counters;
  return [
    `${num(kvReadsPerRequest, 4)} (${kvReads} in ${row.counters.requests})`,
    queueEventsPerRequest === undefined
      ? `${num(queueSendsPerRequest, 3)} (${num(queueMessagesPerRequest, 1)} msgs)`
      : `${num(queueSendsPerRequest, 3)} (${num(queueMessagesPerRequest, 2)} msgs, ${num(queueEventsPerRequest, 1)} events)`,
  ];
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function throughputTable(results: Results): string {
  const rows = results.contestants.map((row) => [
    row.label,
    `${num(row.load.requestsPerSecond, 0)} (${row.load.roundsRequestsPerSecond.map((v) => num(v, 0)).join(" / ")})`,
    num(row.load.workerdCpuMsPerRequest, 3),
    ratio(row.ratioToPassthrough),
    ratio(row.ratioToFloor),
    num(row.load.latencyP50Ms, 0),
    num(row.load.latencyP99Ms, 0),
    num(row.fullPage.totalP50Ms),
    ...counters(row),
  ]);
  for (const missing of results.notImplemented) {
    rows.push([missing.label, missing.reason, "", "", "", "", "", "", "", ""]);
  }
  return table(
    [
      "Contestant",
      "req/s (per round)",
      "workerd CPU ms / req",
      "× pass-through",
      "× floor",
      "p50 ms",
      "p99 ms",
      "full page p50 ms (sequential)",
      "KV reads / req",
      "queue sends / req",
    ],
    rows,
  );
}

function firstByteTable(results: Results): string {
  const pass = results.contestants.find((row) => row.id === "passthrough")?.firstByte?.firstByteP50Ms ?? 0;
  const rows = results.contestants
    .filter((row) => row.firstByte)
    .map((row) => {
      const firstByte = row.firstByte as NonNullable<ContestantResult["firstByte"]>;
      return [
        row.label,
        num(firstByte.firstByteP50Ms),
        `${firstByte.firstByteP50Ms - pass >= 0 ? "+" : ""}${num(firstByte.firstByteP50Ms - pass)}`,
        num(firstByte.headersP50Ms),
        num(firstByte.totalP50Ms),
      ];
    });
  return table(
    ["Contestant", "first body byte p50 ms", "vs pass-through ms", "headers p50 ms", "last byte p50 ms"],
    rows,
  );
}

const signed = (value: number | null) => (value === null ? "–" : `${value >= 0 ? "+" : ""}${num(value, 3)}`);

function breakdownTable(results: Results): string {
  const row = (id: string) => results.contestants.find((candidate) => candidate.id === id);
  const ms = (id: string) => {
    const found = row(id);
    return found ? num(1000 / found.load.requestsPerSecond, 3) : "–";
  };
  const cpu = (id: string) => (id === "origin" ? "0" : num(row(id)?.load.workerdCpuMsPerRequest, 3));
  return table(
    ["Step", "From → to", "ms / request (1 / throughput)", "added", "workerd CPU ms / request", "added CPU"],
    breakdown(results.contestants).map((step) => [
      step.step,
      `${row(step.from)?.label ?? step.from} → ${row(step.to)?.label ?? step.to}`,
      `${ms(step.from)} → ${ms(step.to)}`,
      signed(step.addedMs),
      `${cpu(step.from)} → ${cpu(step.to)}`,
      signed(step.addedCpuMs),
    ]),
  );
}

/** The generated part of docs/benchmarks.md: every figure in the doc comes from here. */
export function renderGenerated(results: Results): string {
  const m = results.machine;
  const s = results.settings;
  const failed = results.checks.filter((check) => !check.ok);
  return [
    START,
    "",
    `Run ${results.date.slice(0, 16).replace("T", " ")} UTC in ${num(results.durationSeconds, 0)} s on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform};`,
    `Node ${m.node}, workerd ${m.workerd}, Miniflare ${m.miniflare}, wrangler ${m.wrangler}, esbuild ${m.esbuild}, autocannon ${m.autocannon}, @growthbook/edge-cloudflare ${m.growthbookEdge}.`,
    `Product page \`${s.productPath}\`: ${num(s.productPageBytes, 0)} bytes, ${s.priceElements} \`.price\` elements; page with none eligible \`${s.untargetedPath}\`: ${num(s.untargetedPageBytes, 0)} bytes.`,
    `Load: ${s.connections} connections; ${s.rounds} rounds, each row ${s.warmupSeconds} s warm-up then ${s.loadSeconds} s measured per round; medians over rounds. Full page: ${s.fullPageRequests} sequential requests per row; first byte: ${s.ttfbRequests} sequential requests to \`${s.slowPath}\`; both interleaved across rows.`,
    `Code: commit ${results.source.commit}${results.source.uncommitted.length ? ` plus uncommitted changes to ${results.source.uncommitted.length} file(s) (${results.source.uncommitted.join(", ")})` : ""}.`,
    `Machine busy with other processes before the run: ${results.background.busyShareBeforeRun === null ? "unknown" : `${Math.round(results.background.busyShareBeforeRun * 100)}%`}; load average ${results.background.loadAverageAtStart} at start, ${results.background.loadAverageAtEnd ?? "–"} at end.`,
    "",
    "### Throughput and latency under load (product page unless stated)",
    "",
    throughputTable(results),
    "",
    "### Where the time goes (rows that differ in one thing; medians over rounds)",
    "",
    breakdownTable(results),
    "",
    "### Time to first byte on the slow origin",
    "",
    firstByteTable(results),
    "",
    "### Targets",
    "",
    table(
      ["Target", "Measured", "Verdict"],
      results.targets.map((target) => [target.target, target.measured, target.met ? "met" : "**missed**"]),
    ),
    "",
    "### Correctness checks in this run",
    "",
    ...results.checks.map((check) => `- ${check.ok ? "✓" : "✗ **failed**:"} ${check.name}: ${check.detail}`),
    ...results.informational.map((check) => `- (info) ${check.name}: ${check.detail}`),
    `- Exposures stored in D1 by the queue consumer during the run: ${num(results.sink.storedEvents, 0)}.`,
    `- Stylist fault log lines during the run: ${results.faults.length}${results.faults.length ? ` (first: \`${results.faults[0]}\`)` : ""}.`,
    failed.length ? `\n**${failed.length} check(s) failed: the figures above are not trustworthy.**` : "",
    "",
    END,
  ].join("\n");
}

/** Replaces the generated part of docs/benchmarks.md, leaving the hand-written method and reading around it. */
export function updateDoc(results: Results): void {
  const doc = readFileSync(DOC_FILE, "utf8");
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`docs/benchmarks.md has lost its generated-section markers (${START} … ${END})`);
  }
  writeFileSync(DOC_FILE, doc.slice(0, start) + renderGenerated(results) + doc.slice(end + END.length));
}

export function readResults(): Results {
  return JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as Results;
}

export function writeResults(results: Results): void {
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
}
