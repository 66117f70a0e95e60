import type { ContestantResult } from "./results.ts";

export interface BreakdownStep {
  step: string;
  from: string;
  to: string;
  /** Extra milliseconds per request (1 / throughput) between the two rows; negative means within noise. */
  addedMs: number;
  /** Extra workerd CPU milliseconds per request; null where CPU could not be read. */
  addedCpuMs: number | null;
}

/**
 * Where a rewritten page's time goes, as differences in time per request (1 / throughput) between rows that differ
 * in one thing. workerd runs every worker on one thread, so under this load 1 / throughput is close to the worker
 * CPU time one page view costs; differences smaller than the rounds' spread are noise.
 */
const STEPS: Array<[string, string, string]> = [
  ["a worker in the path at all", "origin", "passthrough"],
  ["one HTMLRewriter pass (the floor)", "passthrough", "floor"],
  ["Stylist, 1 experiment (2 selectors, 3 ops), over the floor", "floor", "stylist-1-no-queue"],
  [
    "its exposure send (1 message, 1 event) through the local Queue, consumer and D1",
    "stylist-1-no-queue",
    "stylist-1",
  ],
  ["29 more selectors, none matching", "floor", "bare-30-no-match"],
  ["the 30 ops' handlers and edits (~25 matched elements)", "bare-30-no-match", "bare-30-ops"],
  [
    "Stylist's own work around the same 30 ops (15 selectors registered, not 30)",
    "bare-30-ops",
    "stylist-10-no-queue",
  ],
  [
    "its exposure send (1 message, 10 events, 10 rows) through the local Queue, consumer and D1",
    "stylist-10-no-queue",
    "stylist-10",
  ],
  [
    "`.price` (9 elements) instead of `#buy-box .price` (1)",
    "stylist-10-targeted-price-no-queue",
    "stylist-10-no-queue",
  ],
  [
    "one op replacing the 85 KB reviews section instead of 3 small ops (1 experiment)",
    "stylist-1-no-queue",
    "stylist-large-edit-no-queue",
  ],
  ["1,000 rules instead of 1 (1 eligible experiment)", "stylist-1", "stylist-1000-one-eligible"],
  ["1,000 rules instead of 10 (10 eligible)", "stylist-10", "stylist-1000"],
  ["Stylist with no eligible experiment (1,000 rules)", "passthrough-untargeted", "stylist-no-eligible"],
  ["Stylist with no rules at all", "passthrough", "stylist-0"],
  ["GrowthBook instead of Stylist (10 experiments, variant)", "stylist-10", "growthbook"],
  [
    "a repeat view served from the kept rendering (settings.pageCache) instead of fetched and rewritten",
    "stylist-10",
    "stylist-page-cache",
  ],
  [
    "the kept page's exposure send (1 message, 10 events) through the local Queue, consumer and D1",
    "stylist-page-cache-no-queue",
    "stylist-page-cache",
  ],
];

export function breakdown(rows: readonly ContestantResult[]): BreakdownStep[] {
  const msPerRequest = (id: string) => {
    const row = rows.find((candidate) => candidate.id === id);
    return row ? 1000 / row.load.requestsPerSecond : Number.NaN;
  };
  const cpuPerRequest = (id: string) => {
    const row = rows.find((candidate) => candidate.id === id);
    // The origin row runs no worker, so workerd spends nothing on it.
    if (id === "origin") return 0;
    return row?.load.workerdCpuMsPerRequest ?? null;
  };
  const rounded = (value: number) => Math.round(value * 1000) / 1000;
  return STEPS.map(([step, from, to]) => {
    const cpuFrom = cpuPerRequest(from);
    const cpuTo = cpuPerRequest(to);
    return {
      step,
      from,
      to,
      addedMs: rounded(msPerRequest(to) - msPerRequest(from)),
      addedCpuMs: cpuFrom === null || cpuTo === null ? null : rounded(cpuTo - cpuFrom),
    };
  });
}
