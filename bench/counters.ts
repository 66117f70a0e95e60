export interface Counters {
  requests: number;
  kvCalls: Record<string, number>;
  queueSends: number;
  queueMessages: number;
  /** Events inside those messages: a page view packs its exposures into one message. */
  queueEvents: number;
}

export interface PerRequest {
  requests: number;
  /** By method and key, e.g. `get rules:active`. */
  kvCalls: Record<string, number>;
  kvReadsPerRequest: number;
  kvReads: number;
  queueSendsPerRequest: number;
  queueMessagesPerRequest: number;
  queueEventsPerRequest: number;
}

/** Reads (and by default zeroes) the counting wrapper's counters in one Stylist worker. */
export async function readCounters(workerUrl: string, reset = true): Promise<Counters> {
  const response = await fetch(`${workerUrl}/__bench/counters${reset ? "?reset" : ""}`);
  if (!response.ok) throw new Error(`counters: HTTP ${response.status}`);
  return (await response.json()) as Counters;
}

/** Exposure sends run in waitUntil after the last byte; give them a moment to land before counting. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function perRequest(counters: Counters): PerRequest {
  const kvReads = Object.values(counters.kvCalls).reduce((sum, count) => sum + count, 0);
  const per = (value: number) => (counters.requests === 0 ? 0 : value / counters.requests);
  return {
    requests: counters.requests,
    kvCalls: counters.kvCalls,
    kvReads,
    kvReadsPerRequest: per(kvReads),
    queueSendsPerRequest: per(counters.queueSends),
    queueMessagesPerRequest: per(counters.queueMessages),
    queueEventsPerRequest: per(counters.queueEvents ?? 0),
  };
}
