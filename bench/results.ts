import type { Background } from "./background.ts";
import type { Check } from "./checks.ts";
import type { Group } from "./contestants.ts";
import type { PerRequest } from "./counters.ts";
import type { Machine } from "./machine.ts";
import type { FirstByteResult, FullPageResult } from "./sequential.ts";
import type { SourceState } from "./source.ts";

export interface LoadResult {
  /** Medians over the rounds. */
  requestsPerSecond: number;
  /** workerd CPU milliseconds per request (all of its threads, including the queue consumer and D1). */
  workerdCpuMsPerRequest: number | null;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  /** Each round's throughput, to show how much the machine moved under the run. */
  roundsRequestsPerSecond: number[];
  requests: number;
  errors: number;
  non2xx: number;
}

export interface ContestantResult {
  id: string;
  label: string;
  group: Group;
  path: string;
  rules?: number;
  eligible?: number;
  ops?: number;
  load: LoadResult;
  /** Throughput over the pass-through on the same page, and over the floor (product page only): per-round ratios, median. */
  ratioToPassthrough: number;
  ratioToFloor: number | null;
  fullPage: FullPageResult;
  firstByte?: FirstByteResult;
  /** Stylist only: counted in the worker during the measured runs, after warm-up. */
  counters?: PerRequest;
}

export interface TargetResult {
  id: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface Results {
  generatedBy: string;
  date: string;
  durationSeconds: number;
  machine: Machine;
  source: SourceState;
  background: Background;
  settings: {
    connections: number;
    rounds: number;
    warmupSeconds: number;
    loadSeconds: number;
    ttfbRequests: number;
    fullPageRequests: number;
    slowOriginMs: number;
    productPath: string;
    untargetedPath: string;
    slowPath: string;
    productPageBytes: number;
    untargetedPageBytes: number;
    priceElements: number;
    kvCounting: string;
  };
  contestants: ContestantResult[];
  notImplemented: Array<{ id: string; label: string; reason: string }>;
  checks: Check[];
  informational: Check[];
  targets: TargetResult[];
  sink: { storedEvents: number };
  faults: string[];
}
