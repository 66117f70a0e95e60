import type { ContestantResult, TargetResult } from "./results.ts";
import { round } from "./stats.ts";

/** Milliseconds per request at fixed concurrency: what one page view costs the runtime, all in. */
const costMs = (row: ContestantResult) => 1000 / row.load.requestsPerSecond;

/** The speed issue's targets, judged on this run's figures. */
export function evaluateTargets(rows: readonly ContestantResult[]): TargetResult[] {
  const get = (id: string) => {
    const row = rows.find((candidate) => candidate.id === id);
    if (!row) throw new Error(`no result for ${id}`);
    return row;
  };
  const pass = get("passthrough");
  const s1 = get("stylist-1");
  const s10 = get("stylist-10");
  const s1000 = get("stylist-1000");
  const s1000one = get("stylist-1000-one-eligible");
  const none = get("stylist-no-eligible");
  const gb = get("growthbook");
  const cached = get("stylist-page-cache");
  const small = get("stylist-1-no-queue");
  const large = get("stylist-large-edit-no-queue");
  const largeCpu =
    (large.load.workerdCpuMsPerRequest ?? Number.NaN) / (small.load.workerdCpuMsPerRequest ?? Number.NaN);
  const stylistRows = rows.filter((row) => row.counters);

  const firstByteGap =
    (s10.firstByte?.firstByteP50Ms ?? Number.NaN) - (pass.firstByte?.firstByteP50Ms ?? Number.NaN);
  const fullPageGap = s10.fullPage.totalP50Ms - pass.fullPage.totalP50Ms;
  const rulesCost = costMs(s1000one) / costMs(s1);
  const addedCost = (costMs(s1000one) - costMs(pass)) / (costMs(s1) - costMs(pass));
  const maxKv = Math.max(...stylistRows.map((row) => row.counters?.kvReadsPerRequest ?? 0));
  const kvTotal = stylistRows.reduce((sum, row) => sum + (row.counters?.kvReads ?? 0), 0);
  const kvRequests = stylistRows.reduce((sum, row) => sum + (row.counters?.requests ?? 0), 0);
  const kvKeys = new Set(stylistRows.flatMap((row) => Object.keys(row.counters?.kvCalls ?? {})));
  const kvNote = `${kvTotal} reads in ${kvRequests} requests${kvKeys.size ? `: ${[...kvKeys].join(", ")}` : ""}`;
  const maxSends = Math.max(...stylistRows.map((row) => row.counters?.queueSendsPerRequest ?? 0));
  const gbMultiple = s10.load.requestsPerSecond / gb.load.requestsPerSecond;

  return [
    {
      id: "first-byte",
      target: "First byte within 1 ms of pass-through on the slow origin (10 experiments)",
      measured: `${round(firstByteGap)} ms (${s10.firstByte?.firstByteP50Ms} vs ${pass.firstByte?.firstByteP50Ms} ms)`,
      met: firstByteGap <= 1,
    },
    {
      id: "full-page",
      target: "Full-page p50 within 2 ms of pass-through (10 experiments, sequential)",
      measured: `${round(fullPageGap)} ms (${s10.fullPage.totalP50Ms} vs ${pass.fullPage.totalP50Ms} ms)`,
      met: fullPageGap <= 2,
    },
    {
      id: "no-eligible",
      target: "No eligible experiment: ≥ 0.95× pass-through throughput",
      measured: `${none.ratioToPassthrough}×`,
      met: none.ratioToPassthrough >= 0.95,
    },
    {
      id: "rewritten-vs-floor",
      target: "Rewritten page (10 experiments, 30 ops): ≥ 0.9× the floor",
      measured: `${s10.ratioToFloor}× (1,000 rules: ${s1000.ratioToFloor}×)`,
      met: (s10.ratioToFloor ?? 0) >= 0.9,
    },
    {
      id: "rules-count",
      target: "1,000 rules ≤ 1.1× the cost of 1 rule (same eligible experiment)",
      measured: `${round(rulesCost, 3)}× per request (${round(addedCost, 2)}× of the time added over pass-through)`,
      met: rulesCost <= 1.1,
    },
    {
      id: "kv-reads",
      target: "KV reads ≈ 0 per request after warm-up",
      measured: `at most ${round(maxKv, 5)} per request (${kvNote})`,
      met: maxKv <= 0.01,
    },
    {
      id: "queue-sends",
      target: "≤ 1 queue send per request",
      measured: `at most ${round(maxSends, 3)} per request`,
      met: maxSends <= 1,
    },
    {
      id: "vs-growthbook",
      target: "≥ 10× GrowthBook's throughput (10 experiments, variant)",
      measured: `${round(gbMultiple, 1)}×`,
      met: gbMultiple >= 10,
    },
    {
      id: "large-edit",
      target:
        "A content edit costs no more for what it removes: the 85 KB reviews section replaced ≤ 1.5× the CPU of 3 small ops (1 experiment, sends dropped)",
      measured: `${round(largeCpu, 2)}× (${large.load.workerdCpuMsPerRequest} vs ${small.load.workerdCpuMsPerRequest} ms CPU per request)`,
      met: largeCpu <= 1.5,
    },
    {
      id: "cacheable-origin",
      target: "Cacheable origin pages (rendered arm kept): ≥ 0.8× pass-through throughput",
      measured: `${cached.ratioToPassthrough}×`,
      met: cached.ratioToPassthrough >= 0.8,
    },
  ];
}
