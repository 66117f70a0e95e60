/**
 * One streaming pass over events → per (experiment, phase, arm) sufficient statistics.
 *
 * Attribution rules (docs/report.md "Attribution"):
 * - Unit = visitor. A visitor's first exposure in an experiment phase fixes their arm; a visitor exposed to more
 *   than one arm of the same phase is a crossover, excluded from every figure and counted.
 * - A conversion counts for a phase if it is at or after the visitor's first exposure in that phase and, with a
 *   window, no later than first exposure + window (inclusive). Misses are ignored.
 * - An event id counts once; an order (goal, orderId) counts once, the first report of it winning.
 *
 * Ordering contract: a conversion is attributed against the exposures already seen. Feed either a stream sorted by
 * `ts`, or every exposure before every conversion (what `stylist report` does: exposures first, then conversions,
 * each in time order). An exposure older than a conversion already seen breaks the contract and is counted in
 * `input.outOfOrder` so the report can warn.
 *
 * Memory: O(exposed visitors × goals) — a row per visitor per phase in typed columns plus one map entry per
 * visitor — and the ids of their counted conversions for deduplication. Exposures themselves keep nothing (a
 * duplicate exposure changes nothing: same visitor, same arm, same time), nor do conversions of visitors never
 * exposed, so memory never grows with the number of events.
 */

import type { ConversionEvent, ExposureEvent, StylistEvent } from "../core/schema/event.ts";
import { finishSegment } from "./finalize.ts";
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
import type { AggregateResult, InputCounts } from "./sums.ts";

export interface AggregateOptions {
  /** Attribution window after the first exposure, ms. Unset: any time after it. */
  windowMs?: number;
  /** Keep a breakdown of every arm by this dimension of the visitor's first exposure. */
  by?: Dimension;
  /** Which experiment phases to keep; others cost nothing. Default: all. */
  include?: (experiment: string, phase: number) => boolean;
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
  const visitors = new Map<string, number | number[]>();
  const seenKeys = new Map<string, Set<string>>();
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

  /** False when the conversion was reported before (same id, or same goal and order id). */
  const firstReport = (event: ConversionEvent): boolean => {
    let keys = seenKeys.get(event.visitor);
    if (!keys) {
      keys = new Set();
      seenKeys.set(event.visitor, keys);
    }
    if (keys.has(event.id)) {
      input.duplicateConversions++;
      return false;
    }
    keys.add(event.id);
    if (event.orderId === undefined) return true;
    const order = `${event.goal}\u0000${event.orderId}`;
    if (keys.has(order)) {
      input.duplicateOrders++;
      return false;
    }
    keys.add(order);
    return true;
  };

  const convert = (event: ConversionEvent) => {
    input.conversions++;
    if (event.ts > latestConversion) latestConversion = event.ts;
    const refs = visitors.get(event.visitor);
    if (refs === undefined) {
      input.unattributed++;
      return;
    }
    if (!firstReport(event)) return;
    if (typeof refs === "number") attribute(event, refs);
    else for (const ref of refs) attribute(event, ref);
  };

  /** Counts a conversion for one of the visitor's phases, if it falls after the first exposure and in the window. */
  const attribute = (event: ConversionEvent, ref: number) => {
    const segment = segments[Math.floor(ref / ROW_SPACE)] as Segment;
    const row = ref % ROW_SPACE;
    const since = segment.firstTs.get(row);
    if (event.ts < since) return;
    if (options.windowMs !== undefined && event.ts > since + options.windowMs) return;
    const goal = goalColumns(segment, event.goal);
    if (Number.isNaN(goal.firstTs.get(row))) goal.firstTs.set(row, event.ts);
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
      segments: segments.map((segment) => finishSegment(segment, options.by)),
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
