/**
 * The working state of one (experiment, phase) during the pass: one row per exposed visitor, in columns.
 *
 * Per row: arm index, first exposure time, crossover flag, breakdown group; per goal: time of the first counted
 * conversion (NaN if none), count of counted conversions, Σ value. That is what the sums need (a visitor's own
 * totals, squared and multiplied at the end), so memory grows with visitors and goals, never with events.
 */

import type { ExposureEvent } from "../core/schema/event.ts";
import { float64Column, type NumberColumn, uint32Column } from "./columns.ts";

export const DIMENSIONS = ["device", "country", "source", "segment", "period"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface GoalColumns {
  firstTs: NumberColumn;
  count: NumberColumn;
  revenue: NumberColumn;
  /** Conversions and Σ value in the lookback window before the first exposure (the CUPED covariate). */
  preCount: NumberColumn;
  preRevenue: NumberColumn;
  valued: boolean;
  currencies: Set<string>;
}

export interface Segment {
  experiment: string;
  phase: number;
  rows: number;
  armIds: string[];
  armIndex: Map<string, number>;
  arm: NumberColumn;
  firstTs: NumberColumn;
  crossover: NumberColumn;
  group: NumberColumn;
  groupKeys: string[];
  groupIndex: Map<string, number>;
  goals: Map<string, GoalColumns>;
  firstSeen: number;
  lastSeen: number;
}

export function newSegment(experiment: string, phase: number): Segment {
  return {
    experiment,
    phase,
    rows: 0,
    armIds: [],
    armIndex: new Map(),
    arm: uint32Column(),
    firstTs: float64Column(),
    crossover: uint32Column(),
    group: uint32Column(),
    groupKeys: [],
    groupIndex: new Map(),
    goals: new Map(),
    firstSeen: Number.POSITIVE_INFINITY,
    lastSeen: Number.NEGATIVE_INFINITY,
  };
}

/** Separates the segments of a visitor's audience list in a group key (segment ids never contain it). */
export const SEGMENT_SEPARATOR = "\n";

/** The breakdown value of an exposure; for `segment`, all the visitor's segments in one key, split later. */
export function groupKeyOf(event: ExposureEvent, by: Dimension | undefined): string {
  switch (by) {
    case undefined:
      return "";
    case "device":
      return event.device;
    case "country":
      return event.country ?? "(unknown)";
    case "source":
      return event.source ?? "(none)";
    case "segment":
      return [...(event.segments ?? [])].sort().join(SEGMENT_SEPARATOR);
    case "period":
      // A bandit's allocation period the visitor was assigned in; a fixed split has one, period 1.
      return String(event.period ?? 1);
  }
}

function intern(keys: string[], index: Map<string, number>, key: string): number {
  let at = index.get(key);
  if (at === undefined) {
    at = keys.length;
    keys.push(key);
    index.set(key, at);
  }
  return at;
}

/** Adds a visitor's first exposure as a new row; returns the row. */
export function addRow(segment: Segment, arm: string, ts: number, group: string): number {
  const row = segment.rows++;
  segment.arm.set(row, intern(segment.armIds, segment.armIndex, arm));
  segment.firstTs.set(row, ts);
  segment.group.set(row, intern(segment.groupKeys, segment.groupIndex, group));
  touch(segment, ts);
  return row;
}

/** A later exposure of a visitor already in the segment: another arm makes them a crossover. */
export function addRepeat(segment: Segment, row: number, arm: string, ts: number, group: string): void {
  if (segment.armIds[segment.arm.get(row)] !== arm) segment.crossover.set(row, 1);
  if (ts < segment.firstTs.get(row)) {
    // Out-of-order input: an earlier exposure fixes the arm (intention to treat), the time and the group.
    segment.arm.set(row, intern(segment.armIds, segment.armIndex, arm));
    segment.firstTs.set(row, ts);
    segment.group.set(row, intern(segment.groupKeys, segment.groupIndex, group));
  }
  touch(segment, ts);
}

export function touch(segment: Segment, ts: number): void {
  if (ts < segment.firstSeen) segment.firstSeen = ts;
  if (ts > segment.lastSeen) segment.lastSeen = ts;
}

export function goalColumns(segment: Segment, goal: string): GoalColumns {
  let columns = segment.goals.get(goal);
  if (!columns) {
    columns = {
      firstTs: float64Column(Number.NaN),
      count: uint32Column(),
      revenue: float64Column(),
      preCount: uint32Column(),
      preRevenue: float64Column(),
      valued: false,
      currencies: new Set(),
    };
    segment.goals.set(goal, columns);
  }
  return columns;
}
