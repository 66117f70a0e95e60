import type { Agent } from "node:http";
import { BASE_HEADERS, BENCH, SLOW_PATH } from "./config.ts";
import { keepAliveAgent, type Timed, timedGet } from "./http.ts";
import { median, percentile, round } from "./stats.ts";

export interface SequentialTarget {
  id: string;
  base: string;
  path: string;
  headers: Record<string, string>;
}

export interface FirstByteResult {
  /** Median time to the first body byte on the slow origin: when the browser could start on <head>. */
  firstByteP50Ms: number;
  headersP50Ms: number;
  totalP50Ms: number;
}

export interface FullPageResult {
  totalP50Ms: number;
  totalP90Ms: number;
  firstByteP50Ms: number;
}

/**
 * One request at a time, taking turns between targets (A B C A B C …) so a slow patch of the shared machine
 * lands on every target alike. Each target keeps one keep-alive socket; two unmeasured requests open it.
 */
async function interleaved(
  targets: readonly SequentialTarget[],
  count: number,
): Promise<Map<string, Timed[]>> {
  const agents = new Map<string, Agent>(targets.map((t) => [t.id, keepAliveAgent()]));
  const samples = new Map<string, Timed[]>(targets.map((t) => [t.id, []]));
  const get = (t: SequentialTarget, path: string) =>
    timedGet(agents.get(t.id) as Agent, t.base + path, { ...BASE_HEADERS, ...t.headers });
  try {
    for (const t of targets) for (let i = 0; i < 2; i++) await get(t, t.path);
    for (let i = 0; i < count; i++) {
      for (const t of targets) {
        const sample = await get(t, t.path);
        if (sample.status !== 200) throw new Error(`${t.base + t.path}: HTTP ${sample.status}`);
        samples.get(t.id)?.push(sample);
      }
    }
    return samples;
  } finally {
    for (const agent of agents.values()) agent.destroy();
  }
}

/** Full-page latency with nothing else running: sequential requests on the fast origin. */
export async function measureFullPage(
  targets: readonly SequentialTarget[],
): Promise<Map<string, FullPageResult>> {
  const all = await interleaved(targets, BENCH.fullPageRequests);
  return new Map(
    [...all].map(([id, samples]) => {
      const totals = samples.map((s) => s.totalMs);
      return [
        id,
        {
          totalP50Ms: round(median(totals)),
          totalP90Ms: round(percentile(totals, 90)),
          firstByteP50Ms: round(median(samples.map((s) => s.firstByteMs))),
        },
      ];
    }),
  );
}

/** Time to first byte on `/slow/products/…?ms=500`, whose <head> comes at once and the rest over 500 ms. */
export async function measureFirstByte(
  targets: readonly SequentialTarget[],
): Promise<Map<string, FirstByteResult>> {
  const all = await interleaved(
    targets.map((t) => ({ ...t, path: SLOW_PATH })),
    BENCH.ttfbRequests,
  );
  return new Map(
    [...all].map(([id, samples]) => [
      id,
      {
        firstByteP50Ms: round(median(samples.map((s) => s.firstByteMs))),
        headersP50Ms: round(median(samples.map((s) => s.headersMs))),
        totalP50Ms: round(median(samples.map((s) => s.totalMs))),
      },
    ]),
  );
}
