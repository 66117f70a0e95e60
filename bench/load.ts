import autocannon from "autocannon";
import { BASE_HEADERS, BENCH } from "./config.ts";
import { cpuSeconds } from "./cpu.ts";
import { round } from "./stats.ts";

export interface LoadSample {
  requestsPerSecond: number;
  /** workerd CPU milliseconds per completed request during the measured run (Linux), else null. */
  workerdCpuMsPerRequest: number | null;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  requests: number;
  errors: number;
  non2xx: number;
}

function run(url: string, headers: Record<string, string>, seconds: number) {
  return autocannon({
    url,
    connections: BENCH.connections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
    headers: { ...BASE_HEADERS, ...headers },
  });
}

/**
 * Closed-loop load at fixed concurrency: a short warm-up that is thrown away (JIT, isolate caches, Stylist's rules
 * cache, keep-alive sockets to the origin), then the measured run. Throughput is completed requests over the run's
 * duration; autocannon records latency in whole milliseconds, so the mean is kept too. `afterWarmup` runs between
 * the two, for counters that must count only the measured run. workerd's CPU time over the measured run, per
 * request, is the figure least moved by other processes on the machine.
 */
export async function measureLoad(
  url: string,
  headers: Record<string, string>,
  afterWarmup: () => Promise<void>,
  workerdPid: number | undefined,
): Promise<LoadSample> {
  await run(url, headers, BENCH.warmupSeconds);
  await afterWarmup();
  const cpuBefore = cpuSeconds(workerdPid);
  const result = await run(url, headers, BENCH.loadSeconds);
  const cpuAfter = cpuSeconds(workerdPid);
  const cpu =
    cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0
      ? round(((cpuAfter - cpuBefore) * 1000) / result.requests.total, 3)
      : null;
  return {
    requestsPerSecond: round(result.requests.total / result.duration, 1),
    workerdCpuMsPerRequest: cpu,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMeanMs: round(result.latency.mean, 2),
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
