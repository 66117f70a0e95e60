/**
 * End of the pass: a segment's rows folded into per-arm sums, breakdown groups and daily cumulative counts.
 * Crossovers are left out of all three.
 */

import { type Dimension, type GoalColumns, SEGMENT_SEPARATOR, type Segment } from "./segment.ts";
import { type ArmSums, type DailyCounts, emptyGoalSums, type SegmentData } from "./sums.ts";

const DAY_MS = 86_400_000;

function newArm(goals: Iterable<[string, GoalColumns]>): ArmSums {
  const sums: ArmSums = { visitors: 0, goals: new Map() };
  for (const [goal, columns] of goals) sums.goals.set(goal, { ...emptyGoalSums(), valued: columns.valued });
  return sums;
}

/** Adds one visitor's totals to an arm. */
function addVisitor(arm: ArmSums, goals: readonly (readonly [string, GoalColumns])[], row: number): void {
  arm.visitors++;
  for (const [goal, columns] of goals) {
    const orders = columns.count.get(row);
    if (orders === 0) continue;
    const revenue = columns.revenue.get(row);
    const sums = arm.goals.get(goal);
    if (!sums) continue;
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

function dailyOf(segment: Segment, goals: readonly (readonly [string, GoalColumns])[]): DailyCounts {
  const dayZero = Number.isFinite(segment.firstSeen) ? Math.floor(segment.firstSeen / DAY_MS) * DAY_MS : 0;
  const days = Number.isFinite(segment.lastSeen) ? Math.floor((segment.lastSeen - dayZero) / DAY_MS) + 1 : 0;
  const perArm = segment.armIds.map(() => ({
    visitors: new Array<number>(days).fill(0),
    converters: goals.map(() => new Array<number>(days).fill(0)),
  }));
  const dayOf = (ts: number) => Math.min(days - 1, Math.max(0, Math.floor((ts - dayZero) / DAY_MS)));
  for (let row = 0; row < segment.rows; row++) {
    if (segment.crossover.get(row)) continue;
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

export function finishSegment(segment: Segment, by: Dimension | undefined): SegmentData {
  const goals = [...segment.goals];
  const arms = new Map(segment.armIds.map((id) => [id, newArm(goals)]));
  const groups = by === undefined ? undefined : new Map<string, Map<string, ArmSums>>();
  let crossovers = 0;
  for (let row = 0; row < segment.rows; row++) {
    if (segment.crossover.get(row)) {
      crossovers++;
      continue;
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
  return {
    experiment: segment.experiment,
    phase: segment.phase,
    firstTs: segment.firstSeen,
    lastTs: segment.lastSeen,
    crossovers,
    arms,
    groups,
    daily: dailyOf(segment, goals),
    currencies,
  };
}
