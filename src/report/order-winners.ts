/**
 * docs/report.md rule 4 for a reader that sees every report of an order before it feeds conversions (the NDJSON
 * file's first pass): an order (goal, orderId) counts once, from its winning report — the shop backend's
 * (`reportedBy: "server"`) if there is one, else the earliest by (ts, then id). The SQL statistics, the archive
 * reader and the D1 sink choose the same report, so no source's figures depend on arrival order.
 */

import type { ConversionEvent } from "../core/schema/event.ts";
import { ShardedMap } from "./sharded-map.ts";

interface Report {
  server: boolean;
  ts: number;
  id: string;
}

/** Whether report `a` wins over `b`: the backend's first, then the earlier, then the smaller id. */
function winsOver(a: Report, b: Report): boolean {
  if (a.server !== b.server) return a.server;
  if (a.ts !== b.ts) return a.ts < b.ts;
  return a.id < b.id;
}

const keyOf = (event: ConversionEvent) => `${event.goal}\u0000${event.orderId}`;

export class OrderWinners {
  private readonly best = new ShardedMap<Report>({ what: "order ids" });

  /** A report of an order seen on the first pass. */
  offer(event: ConversionEvent): void {
    if (event.orderId === undefined) return;
    const report = { server: event.reportedBy === "server", ts: event.ts, id: event.id };
    const key = keyOf(event);
    const current = this.best.get(key);
    if (!current || winsOver(report, current)) this.best.set(key, report);
  }

  /** The aggregator's `countsOrder`: this report is its order's winner. */
  readonly counts = (event: ConversionEvent): boolean => {
    const winner = this.best.get(keyOf(event));
    return winner === undefined || (winner.id === event.id && winner.ts === event.ts);
  };
}
