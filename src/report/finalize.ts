/**
 * End of the pass: a segment's rows folded into per-arm sums, breakdown groups and daily cumulative counts.
 * A crossover (a visitor exposed to more than one arm) counts in the arm of their first exposure (intention to
 * treat), or is left out of all three with the rule "exclude". With a revenue cap, each visitor's revenue on a
 * valued goal is min(revenue, cap) before it is summed.
 */

import { revenueCaps } from "./capping.ts";
import { type Dimension, type GoalColumns, SEGMENT_SEPARATOR, type Segment } from "./segment.ts";
import { type ArmSums, type DailyCounts, emptyGoalSums, type RevenueCap, type SegmentData } from "./sums.ts";

/** How visitors exposed to more than one arm of a phase are counted. */
export type CrossoverRule = "first-exposure" | "exclude";

export interface FinishOptions {
  by?: Dimension | undefined;
  crossovers?: CrossoverRule | undefined;
  /** Winsorise per-visitor revenue at this percentile of the non-zero values (0.99), all arms pooled. */
  capPercentile?: number | undefined;
}

const DAY_MS = 86_400_000;

function newArm(goals: Goals): ArmSums {
  const sums: ArmSums = { visitors: 0, goals: new Map() };
  for (const [goal, columns] of goals) sums.goals.set(goal, { ...emptyGoalSums(), valued: columns.valued });
  return sums;
}

type Goals = readonly (readonly [string, GoalColumns, RevenueCap | undefined])[];

/** Adds one visitor's totals to an arm. */
function addVisitor(arm: ArmSums, goals: Goals, row: number): void {
  arm.visitors++;
  for (const [goal, columns, cap] of goals) {
    const sums = arm.goals.get(goal);
    if (!sums) continue;
    const orders = columns.count.get(row);
    const converted = orders > 0 ? 1 : 0;
    const raw = columns.revenue.get(row);
    const revenue = cap && raw > cap.cap ? cap.cap : raw;
    const preCount = columns.preCount.get(row);
    if (preCount > 0) {
      const rawPre = columns.preRevenue.get(row);
      const preRevenue = cap && rawPre > cap.cap ? cap.cap : rawPre;
      sums.preConverters++;
      sums.preConvertersConverted += converted;
      sums.preRevenue += preRevenue;
      sums.preRevenueSquares += preRevenue * preRevenue;
      sums.revenuePreRevenue += preRevenue * revenue;
    }
    if (orders === 0) continue;
    sums.converters++;
    sums.orders += orders;
    sums.revenue += revenue;
    sums.revenueSquares += revenue * revenue;
    sums.ordersSquares += orders * orders;
    sums.revenueOrders += revenue * orders;
  }
}

function groupsOf(key: string, by: Dimension | undefined): string[] {
  if (by !== "segment") return [key];
  return key === "" ? ["(none)"] : key.split(SEGMENT_SEPARATOR);
}

function increment(counts: number[], index: number): void {
  counts[index] = (counts[index] ?? 0) + 1;
}

function cumulate(counts: number[]): number[] {
  let total = 0;
  return counts.map((count) => (total += count));
}

function dailyOf(segment: Segment, goals: Goals, counted: (row: number) => boolean): DailyCounts {
  const dayZero = Number.isFinite(segment.firstSeen) ? Math.floor(segment.firstSeen / DAY_MS) * DAY_MS : 0;
  const days = Number.isFinite(segment.lastSeen) ? Math.floor((segment.lastSeen - dayZero) / DAY_MS) + 1 : 0;
  const perArm = segment.armIds.map(() => ({
    visitors: new Array<number>(days).fill(0),
    converters: goals.map(() => new Array<number>(days).fill(0)),
  }));
  const dayOf = (ts: number) => Math.min(days - 1, Math.max(0, Math.floor((ts - dayZero) / DAY_MS)));
  for (let row = 0; row < segment.rows; row++) {
    if (!counted(row)) continue;
    const arm = perArm[segment.arm.get(row)];
    if (!arm) continue;
    increment(arm.visitors, dayOf(segment.firstTs.get(row)));
    goals.forEach(([, columns], g) => {
      const ts = columns.firstTs.get(row);
      const converters = arm.converters[g];
      if (!Number.isNaN(ts) && converters) increment(converters, dayOf(ts));
    });
  }
  const arms: DailyCounts["arms"] = new Map();
  segment.armIds.forEach((id, a) => {
    const arm = perArm[a];
    if (!arm) return;
    arms.set(id, {
      visitors: cumulate(arm.visitors),
      converters: new Map(goals.map(([goal], g) => [goal, cumulate(arm.converters[g] ?? [])])),
    });
  });
  return { dayZero, days, arms };
}

export function finishSegment(segment: Segment, options: FinishOptions = {}): SegmentData {
  const { by } = options;
  const exclude = options.crossovers === "exclude";
  const counted = (row: number) => !(exclude && segment.crossover.get(row));
  const caps =
    options.capPercentile === undefined
      ? new Map<string, RevenueCap>()
      : revenueCaps(segment, options.capPercentile, counted);
  const goals: Goals = [...segment.goals].map(([goal, columns]) => [goal, columns, caps.get(goal)] as const);
  const arms = new Map(segment.armIds.map((id) => [id, newArm(goals)]));
  const groups = by === undefined ? undefined : new Map<string, Map<string, ArmSums>>();
  const crossoversByArm = new Map<string, number>();
  let crossovers = 0;
  for (let row = 0; row < segment.rows; row++) {
    if (segment.crossover.get(row)) {
      crossovers++;
      const first = segment.armIds[segment.arm.get(row)] as string;
      crossoversByArm.set(first, (crossoversByArm.get(first) ?? 0) + 1);
      if (exclude) continue;
    }
    const armId = segment.armIds[segment.arm.get(row)] as string;
    addVisitor(arms.get(armId) as ArmSums, goals, row);
    if (!groups) continue;
    for (const value of groupsOf(segment.groupKeys[segment.group.get(row)] ?? "", by)) {
      const group = groups.get(value) ?? new Map<string, ArmSums>();
      groups.set(value, group);
      const arm = group.get(armId) ?? newArm(goals);
      group.set(armId, arm);
      addVisitor(arm, goals, row);
    }
  }
  const currencies = new Map(goals.map(([goal, columns]) => [goal, columns.currencies]));
  // Daily counts are conversions, not revenue: caps do not apply.
  return {
    experiment: segment.experiment,
    phase: segment.phase,
    firstTs: segment.firstSeen,
    lastTs: segment.lastSeen,
    crossovers,
    crossoversByArm,
    caps,
    arms,
    groups,
    daily: dailyOf(segment, goals, counted),
    currencies,
  };
}
