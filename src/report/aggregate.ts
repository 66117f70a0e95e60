/**
 * One streaming pass over events → per (experiment, phase, arm) sufficient statistics.
 *
 * Attribution rules (docs/report.md "Per-visitor rules", written so SQL can follow them):
 * - Unit = visitor. A visitor's first exposure in an experiment phase fixes their arm (intention to treat); a
 *   visitor exposed to more than one arm of the same phase is a crossover, counted per first arm and, by default,
 *   kept in that arm (with `crossovers: "exclude"`, left out of every figure).
 * - A conversion counts for a phase if it is at or after the visitor's first exposure in that phase and, with a
 *   window, no later than first exposure + window (inclusive). With a lookback, a conversion before the first
 *   exposure and no earlier than first exposure − lookback feeds the CUPED covariate instead. Misses are ignored.
 * - An event id counts once per visitor; an order (goal, orderId) counts once across all visitors, the first
 *   report of it in the input winning — as the sink keeps the first it stored.
 *
 * Ordering contract: a conversion is attributed against the exposures already seen. Feed either a stream sorted by
 * `ts`, or every exposure before every conversion (what `stylist report` does: exposures first, then conversions,
 * each in time order). An exposure older than a conversion already seen breaks the contract and is counted in
 * `input.outOfOrder` so the report can warn. The CUPED covariate needs exposures first (a conversion before the
 * exposure in a time-sorted stream arrives before the visitor is known).
 *
 * Memory: O(exposed visitors × goals) — a row per visitor per phase in typed columns plus one map entry per
 * visitor — the ids of their counted conversions, and one key per order id seen. Exposures themselves keep nothing
 * (a duplicate exposure changes nothing: same visitor, same arm, same time). The maps grow past one V8 Map's 2²⁴
 * entries (sharded-map.ts).
 */

import type { ConversionEvent, ExposureEvent, StylistEvent } from "../core/schema/event.ts";
import { type CrossoverRule, finishSegment } from "./finalize.ts";
import {
  addRepeat,
  addRow,
  type Dimension,
  goalColumns,
  groupKeyOf,
  newSegment,
  type Segment,
  touch,
} from "./segment.ts";
import { ShardedMap, ShardedSet } from "./sharded-map.ts";
import type { AggregateResult, InputCounts } from "./sums.ts";

export interface AggregateOptions {
  /** Attribution window after the first exposure, ms. Unset: any time after it. */
  windowMs?: number;
  /** Keep a breakdown of every arm by this dimension of the visitor's first exposure. */
  by?: Dimension;
  /** Which experiment phases to keep; others cost nothing. Default: all. */
  include?: (experiment: string, phase: number) => boolean;
  /** Crossovers in their first arm (default, intention to treat) or left out. */
  crossovers?: CrossoverRule;
  /** Winsorise per-visitor revenue at this percentile (0–1) of the visitors with revenue, all arms pooled. */
  capPercentile?: number;
  /** CUPED: the pre-exposure covariate is the visitor's conversions and revenue this long before first exposure. */
  lookbackMs?: number;
  /**
   * Which report of an order counts, when the reader knows (docs/report.md rule 4: the shop backend's, else the
   * earliest): the readers mark the other reports, and this says whether `event` is the one. Unset: the first
   * report in the input counts, as a library user feeding events in time order would expect.
   */
  countsOrder?: (event: ConversionEvent) => boolean;
  /** Entries per Map of the visitor and order maps, and how many Maps at most (tests inject small ones). */
  shardLimit?: number;
  maxShards?: number;
}

export interface Aggregator {
  add(event: StylistEvent): void;
  finish(): AggregateResult;
}

/** A row reference packed into one number: segment index × 2³² + row. */
const ROW_SPACE = 2 ** 32;

/** The visitor's row in segment `at`, or −1. */
function rowIn(refs: number | number[], at: number): number {
  if (typeof refs === "number") return Math.floor(refs / ROW_SPACE) === at ? refs % ROW_SPACE : -1;
  for (const ref of refs) if (Math.floor(ref / ROW_SPACE) === at) return ref % ROW_SPACE;
  return -1;
}

export function createAggregator(options: AggregateOptions = {}): Aggregator {
  const segments: Segment[] = [];
  const segmentIndex = new Map<string, number>();
  const shardLimit = {
    ...(options.shardLimit === undefined ? {} : { shardLimit: options.shardLimit }),
    ...(options.maxShards === undefined ? {} : { maxShards: options.maxShards }),
  };
  const visitors = new ShardedMap<number | number[]>({ what: "visitors", ...shardLimit });
  const seenIds = new ShardedMap<Set<string>>({ what: "visitors with conversions", ...shardLimit });
  const seenOrders = new ShardedSet({ what: "order ids", ...shardLimit });
  const input: InputCounts = {
    events: 0,
    exposures: 0,
    misses: 0,
    conversions: 0,
    unattributed: 0,
    duplicateConversions: 0,
    duplicateOrders: 0,
    outOfOrder: 0,
  };
  let lastTs = Number.NaN;
  let latestConversion = Number.NEGATIVE_INFINITY;

  let last = { experiment: "", phase: 0, at: -1 };
  const segmentFor = (experiment: string, phase: number): number => {
    if (last.experiment === experiment && last.phase === phase) return last.at;
    const key = `${experiment}\u0000${phase}`;
    let at = segmentIndex.get(key);
    if (at === undefined) {
      at = segments.length;
      segments.push(newSegment(experiment, phase));
      segmentIndex.set(key, at);
    }
    last = { experiment, phase, at };
    return at;
  };

  const expose = (event: ExposureEvent) => {
    input.exposures++;
    if (event.ts < latestConversion) input.outOfOrder++;
    if (options.include && !options.include(event.experiment, event.phase)) return;
    const at = segmentFor(event.experiment, event.phase);
    const segment = segments[at] as Segment;
    const group = groupKeyOf(event, options.by);
    const refs = visitors.get(event.visitor);
    const row = refs === undefined ? -1 : rowIn(refs, at);
    if (row >= 0) return addRepeat(segment, row, event.variant, event.ts, group);
    const ref = at * ROW_SPACE + addRow(segment, event.variant, event.ts, group);
    if (refs === undefined) visitors.set(event.visitor, ref);
    else if (typeof refs === "number") visitors.set(event.visitor, [refs, ref]);
    else refs.push(ref);
  };

  /** False when this visitor reported the same event id before. */
  const firstDelivery = (event: ConversionEvent): boolean => {
    let ids = seenIds.get(event.visitor);
    if (!ids) {
      ids = new Set();
      seenIds.set(event.visitor, ids);
    }
    if (ids.has(event.id)) return false;
    ids.add(event.id);
    return true;
  };

  /** False when the order (goal, orderId) was reported before, by any visitor. */
  const firstOrderReport = (event: ConversionEvent): boolean => {
    if (event.orderId === undefined) return true;
    if (options.countsOrder) return options.countsOrder(event);
    const order = `${event.goal}\u0000${event.orderId}`;
    if (seenOrders.has(order)) return false;
    seenOrders.add(order);
    return true;
  };

  const convert = (event: ConversionEvent) => {
    input.conversions++;
    if (event.ts > latestConversion) latestConversion = event.ts;
    const refs = visitors.get(event.visitor);
    if (refs === undefined) {
      // Its order id still counts as reported: a later report of the same order under an exposed visitor is a copy.
      firstOrderReport(event);
      input.unattributed++;
      return;
    }
    if (!firstDelivery(event)) {
      input.duplicateConversions++;
      return;
    }
    if (!firstOrderReport(event)) {
      input.duplicateOrders++;
      return;
    }
    if (typeof refs === "number") attribute(event, refs);
    else for (const ref of refs) attribute(event, ref);
  };

  /** Counts a conversion for one of the visitor's phases, if it falls after the first exposure and in the window. */
  const attribute = (event: ConversionEvent, ref: number) => {
    const segment = segments[Math.floor(ref / ROW_SPACE)] as Segment;
    const row = ref % ROW_SPACE;
    const since = segment.firstTs.get(row);
    if (event.ts < since) {
      if (options.lookbackMs !== undefined && event.ts >= since - options.lookbackMs) {
        const goal = goalColumns(segment, event.goal);
        goal.preCount.add(row, 1);
        if (event.value !== undefined) goal.preRevenue.add(row, event.value);
      }
      return;
    }
    if (options.windowMs !== undefined && event.ts > since + options.windowMs) return;
    const goal = goalColumns(segment, event.goal);
    // The earliest, not the first met: a file's conversions need not be in time order (the daily chart reads it).
    const firstTs = goal.firstTs.get(row);
    if (Number.isNaN(firstTs) || event.ts < firstTs) goal.firstTs.set(row, event.ts);
    goal.count.add(row, 1);
    if (event.value !== undefined) {
      goal.revenue.add(row, event.value);
      goal.valued = true;
      if (event.currency) goal.currencies.add(event.currency);
    }
    touch(segment, event.ts);
  };

  return {
    add(event) {
      input.events++;
      if (!(event.ts <= lastTs)) lastTs = event.ts;
      if (event.type === "exposure") expose(event);
      else if (event.type === "conversion") convert(event);
      else input.misses++;
    },
    finish: () => ({
      segments: segments.map((segment) =>
        finishSegment(segment, {
          by: options.by,
          crossovers: options.crossovers,
          capPercentile: options.capPercentile,
        }),
      ),
      input: { ...input },
      lastTs,
    }),
  };
}

/** Runs the pass over any (async) iterable of events. */
export async function aggregate(
  events: Iterable<StylistEvent> | AsyncIterable<StylistEvent>,
  options: AggregateOptions = {},
): Promise<AggregateResult> {
  const aggregator = createAggregator(options);
  if (Symbol.iterator in events) for (const event of events) aggregator.add(event);
  else for await (const event of events) aggregator.add(event);
  return aggregator.finish();
}
