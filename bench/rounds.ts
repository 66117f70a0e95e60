import { BENCH } from "./config.ts";
import type { Contestant } from "./contestants.ts";
import { type Counters, readCounters, settle } from "./counters.ts";
import { drainQueue } from "./drain.ts";
import { type LoadSample, measureLoad } from "./load.ts";
import { storedEventCount } from "./seed-state.ts";
import type { Workerd } from "./workerd.ts";

export interface RoundsInput {
  contestants: readonly Contestant[];
  url: (contestant: Contestant) => Promise<string>;
  headers: (contestant: Contestant) => Record<string, string>;
  workerd: Workerd;
  log: (line: string) => void;
  /** Throws when the run can no longer produce valid figures (the origin has gone). */
  assertHealthy: () => void;
}

export interface LoadRounds {
  samples: LoadSample[];
  /** Summed over the measured runs of every round; Stylist workers only. */
  counters?: Counters;
}

const EMPTY: Counters = { requests: 0, kvCalls: {}, queueSends: 0, queueMessages: 0, queueEvents: 0 };

function add(a: Counters, b: Counters): Counters {
  const kvCalls = { ...a.kvCalls };
  for (const [method, count] of Object.entries(b.kvCalls)) kvCalls[method] = (kvCalls[method] ?? 0) + count;
  return {
    requests: a.requests + b.requests,
    kvCalls,
    queueSends: a.queueSends + b.queueSends,
    queueMessages: a.queueMessages + b.queueMessages,
    queueEvents: a.queueEvents + b.queueEvents,
  };
}

/**
 * Every contestant once per round, each round starting at a different place in the list. The machine's speed
 * drifts (JIT warm-up, other processes on a shared box), so contestants measured minutes apart are not comparable;
 * ratios are taken within a round, where neighbours saw the same conditions, and rounds are summarised by median.
 */
export async function runLoadRounds(input: RoundsInput): Promise<Map<string, LoadRounds>> {
  const results = new Map<string, LoadRounds>(input.contestants.map((c) => [c.id, { samples: [] }]));
  const n = input.contestants.length;
  for (let r = 0; r < BENCH.rounds; r++) {
    const offset = Math.floor((r * n) / BENCH.rounds);
    const order = [...input.contestants.slice(offset), ...input.contestants.slice(0, offset)];
    for (const contestant of order) {
      input.assertHealthy();
      const url = await input.url(contestant);
      const counted = contestant.target.startsWith("stylist-");
      const storedBefore = counted ? await storedEventCount(input.workerd) : 0;
      let warmup = EMPTY;
      const sample = await measureLoad(
        url + contestant.path,
        input.headers(contestant),
        async () => {
          if (counted) warmup = await readCounters(url);
        },
        input.workerd.pid,
      );
      const entry = results.get(contestant.id) as LoadRounds;
      entry.samples.push(sample);
      if (counted) {
        await settle();
        const measured = await readCounters(url);
        entry.counters = add(entry.counters ?? EMPTY, measured);
        const delivered = contestant.target.endsWith("-no-queue")
          ? 0
          : warmup.queueEvents + measured.queueEvents;
        const drained = await drainQueue(input.workerd, storedBefore + delivered);
        if (!drained.complete)
          input.log(`queue not drained after ${contestant.label}: ${drained.stored} stored`);
        else if (drained.waitedMs > 3_000)
          input.log(`waited ${drained.waitedMs} ms for the consumer to catch up`);
      }
      input.log(
        `round ${r + 1}/${BENCH.rounds} ${contestant.label}: ${sample.requestsPerSecond} req/s, p50 ${sample.latencyP50Ms} ms, workerd ${sample.workerdCpuMsPerRequest} ms CPU/req` +
          (sample.errors || sample.non2xx ? `, ${sample.errors} errors, ${sample.non2xx} non-2xx` : ""),
      );
    }
  }
  return results;
}
