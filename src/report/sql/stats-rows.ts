/**
 * The statistics query's rows (src/report/sql/stats-query.ts) turned into what the streaming pass produces
 * (src/report/sums.ts AggregateResult), so src/report/build.ts makes the same report from either. Rows may come
 * straight from an engine (numbers, bigints) or from a file a warehouse wrote (CSV strings, JSON numbers); a row
 * that is not what the query returns is refused with what is wrong, never guessed at.
 */

import type { Dimension } from "../segment.ts";
import {
  type AggregateResult,
  type ArmSums,
  type DailyCounts,
  emptyGoalSums,
  type GoalSums,
  type InputCounts,
  type RevenueCap,
  type SegmentData,
} from "../sums.ts";
import { STATS_SCHEMA, type StatsQueryHeader } from "./stats-query.ts";

export type StatsRow = Record<string, unknown>;

export class StatsRowError extends Error {}

const DAY_MS = 86_400_000;

function isMissing(value: unknown): boolean {
  return value === null || value === undefined || value === "";
}

function numberOf(row: StatsRow, column: string, at: number): number {
  const value = row[column];
  const number =
    typeof value === "bigint" ? Number(value) : typeof value === "string" ? Number(value) : value;
  if (typeof number !== "number" || Number.isNaN(number))
    throw new StatsRowError(`row ${at}: ${column} is not a number (${String(value)})`);
  return number;
}

function optionalNumber(row: StatsRow, column: string, at: number): number {
  return isMissing(row[column]) ? 0 : numberOf(row, column, at);
}

function textOf(row: StatsRow, column: string, at: number): string {
  const value = row[column];
  if (typeof value !== "string" || value === "") throw new StatsRowError(`row ${at}: ${column} is missing`);
  return value;
}

/** A CSV writer may print a text column that holds digits as a number; the id is text either way. */
function idOf(row: StatsRow, column: string, at: number): string {
  const value = row[column];
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return textOf(row, column, at);
}

/** The breakdown value: text, and '' is a legitimate value nowhere (groups are never empty strings). */
function groupOf(row: StatsRow, at: number): string {
  const value = row.grp;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value !== "string") throw new StatsRowError(`row ${at}: grp is missing`);
  return value;
}

function booleanOf(row: StatsRow, column: string, at: number): boolean {
  const value = row[column];
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return optionalNumber(row, column, at) > 0;
}

function goalSumsOf(row: StatsRow, at: number): Omit<GoalSums, "valued"> {
  const n = (column: string) => optionalNumber(row, column, at);
  return {
    converters: n("converters"),
    orders: n("orders"),
    revenue: n("revenue"),
    revenueSquares: n("revenue_squares"),
    ordersSquares: n("orders_squares"),
    revenueOrders: n("revenue_orders"),
    preConverters: n("pre_converters"),
    preConvertersConverted: n("pre_converters_converted"),
    preRevenue: n("pre_revenue"),
    preRevenueSquares: n("pre_revenue_squares"),
    revenuePreRevenue: n("revenue_pre_revenue"),
  };
}

interface PhaseState {
  experiment: string;
  phase: number;
  firstTs: number;
  lastTs: number;
  crossovers: number;
  arms: { id: string; position: number; visitors: number; crossovers: number }[];
  goals: Map<string, boolean>;
  currencies: Map<string, Set<string>>;
  armGoals: Map<string, Map<string, Omit<GoalSums, "valued">>>;
  groups: Map<string, Map<string, { visitors: number; goals: Map<string, Omit<GoalSums, "valued">> }>>;
  dayVisitors: Map<string, Map<number, number>>;
  dayConverters: Map<string, Map<string, Map<number, number>>>;
  caps: Map<string, RevenueCap>;
}

/** The header row's options, checked to be this query's. */
function headerOf(rows: readonly StatsRow[]): StatsQueryHeader {
  const at = rows.findIndex((row) => row.kind === "query");
  if (at < 0)
    throw new StatsRowError(
      `no row of kind "query": these are not the rows of \`stylist report --sql\` (${STATS_SCHEMA})`,
    );
  let header: unknown;
  try {
    header = JSON.parse(textOf(rows[at] as StatsRow, "options", at + 1));
  } catch (error) {
    throw new StatsRowError(`row ${at + 1}: options is not JSON: ${(error as Error).message}`);
  }
  if (
    typeof header !== "object" ||
    header === null ||
    (header as { schema?: unknown }).schema !== STATS_SCHEMA
  )
    throw new StatsRowError(
      `row ${at + 1}: the rows are from another query version (expected ${STATS_SCHEMA}); print the query again with --sql`,
    );
  return header as StatsQueryHeader;
}

function cumulative(byDay: Map<number, number> | undefined, dayZero: number, days: number): number[] {
  const counts = new Array<number>(days).fill(0);
  for (const [day, count] of byDay ?? []) {
    const index = Math.min(days - 1, Math.max(0, day - dayZero));
    counts[index] = (counts[index] ?? 0) + count;
  }
  let total = 0;
  return counts.map((count) => (total += count));
}

function armSumsOf(
  visitors: number,
  goals: Map<string, boolean>,
  sums: Map<string, Omit<GoalSums, "valued">> | undefined,
): ArmSums {
  const arm: ArmSums = { visitors, goals: new Map() };
  for (const [goal, valued] of goals) arm.goals.set(goal, { ...emptyGoalSums(), ...sums?.get(goal), valued });
  return arm;
}

function segmentOf(state: PhaseState, by: Dimension | undefined): SegmentData {
  const arms = [...state.arms].sort((a, b) => a.position - b.position);
  const dayZeroIndex = Number.isFinite(state.firstTs) ? Math.floor(state.firstTs / DAY_MS) : 0;
  const days = Number.isFinite(state.lastTs)
    ? Math.floor((state.lastTs - dayZeroIndex * DAY_MS) / DAY_MS) + 1
    : 0;
  const daily: DailyCounts = { dayZero: dayZeroIndex * DAY_MS, days, arms: new Map() };
  for (const arm of arms) {
    daily.arms.set(arm.id, {
      visitors: cumulative(state.dayVisitors.get(arm.id), dayZeroIndex, days),
      converters: new Map(
        [...state.goals.keys()].map((goal) => [
          goal,
          cumulative(state.dayConverters.get(arm.id)?.get(goal), dayZeroIndex, days),
        ]),
      ),
    });
  }
  let groups: SegmentData["groups"];
  if (by !== undefined) {
    groups = new Map();
    for (const [value, groupArms] of state.groups) {
      const group = new Map<string, ArmSums>();
      for (const arm of arms) {
        const sums = groupArms.get(arm.id);
        if (sums) group.set(arm.id, armSumsOf(sums.visitors, state.goals, sums.goals));
      }
      for (const [id, sums] of groupArms)
        if (!group.has(id)) group.set(id, armSumsOf(sums.visitors, state.goals, sums.goals));
      groups.set(value, group);
    }
  }
  return {
    experiment: state.experiment,
    phase: state.phase,
    firstTs: state.firstTs,
    lastTs: state.lastTs,
    crossovers: state.crossovers,
    crossoversByArm: new Map(arms.filter((arm) => arm.crossovers > 0).map((arm) => [arm.id, arm.crossovers])),
    caps: state.caps,
    arms: new Map(
      arms.map((arm) => [arm.id, armSumsOf(arm.visitors, state.goals, state.armGoals.get(arm.id))]),
    ),
    groups,
    daily,
    currencies: new Map(
      [...state.goals.keys()].map((goal) => [goal, state.currencies.get(goal) ?? new Set()]),
    ),
  };
}

/** The rows of one run of the statistics query as the aggregator's result. */
export function resultOfStatsRows(rows: readonly StatsRow[]): {
  result: AggregateResult;
  header: StatsQueryHeader;
  valuesOverCap: number;
} {
  const header = headerOf(rows);
  const phases = new Map<string, PhaseState>();
  const phaseOf = (row: StatsRow, at: number): PhaseState => {
    const experiment = idOf(row, "experiment", at);
    const phase = numberOf(row, "phase", at);
    const key = `${experiment}\u0000${phase}`;
    let state = phases.get(key);
    if (!state) {
      state = {
        experiment,
        phase,
        firstTs: Number.POSITIVE_INFINITY,
        lastTs: Number.NEGATIVE_INFINITY,
        crossovers: 0,
        arms: [],
        goals: new Map(),
        currencies: new Map(),
        armGoals: new Map(),
        groups: new Map(),
        dayVisitors: new Map(),
        dayConverters: new Map(),
        caps: new Map(),
      };
      phases.set(key, state);
    }
    return state;
  };
  let input: InputCounts | undefined;
  let lastTs = Number.NaN;
  let valuesOverCap = 0;
  const groupArm = (state: PhaseState, group: string, arm: string) => {
    const arms = state.groups.get(group) ?? new Map();
    state.groups.set(group, arms);
    const sums = arms.get(arm) ?? { visitors: 0, goals: new Map() };
    arms.set(arm, sums);
    return sums;
  };
  rows.forEach((row, index) => {
    const at = index + 1;
    const kind = row.kind;
    switch (kind) {
      case "query":
        return;
      case "input": {
        const exposures = optionalNumber(row, "exposures", at);
        const conversions = optionalNumber(row, "conversions", at);
        input = {
          events: exposures + conversions,
          exposures,
          misses: 0,
          conversions,
          unattributed: optionalNumber(row, "unattributed", at),
          duplicateConversions: 0,
          duplicateOrders: optionalNumber(row, "duplicate_orders", at),
          outOfOrder: 0,
        };
        valuesOverCap = optionalNumber(row, "values_over_cap", at);
        lastTs = isMissing(row.last_ts) ? Number.NaN : numberOf(row, "last_ts", at);
        return;
      }
      case "phase": {
        const state = phaseOf(row, at);
        state.firstTs = numberOf(row, "first_ts", at);
        state.lastTs = numberOf(row, "last_ts", at);
        state.crossovers = optionalNumber(row, "crossovers", at);
        return;
      }
      case "arm":
        phaseOf(row, at).arms.push({
          id: idOf(row, "variant", at),
          position: numberOf(row, "position", at),
          visitors: optionalNumber(row, "visitors", at),
          crossovers: optionalNumber(row, "crossovers", at),
        });
        return;
      case "goal":
        phaseOf(row, at).goals.set(textOf(row, "goal", at), booleanOf(row, "valued", at));
        return;
      case "currency": {
        const state = phaseOf(row, at);
        const goal = textOf(row, "goal", at);
        const set = state.currencies.get(goal) ?? new Set<string>();
        set.add(textOf(row, "currency", at));
        state.currencies.set(goal, set);
        return;
      }
      case "arm_goal": {
        const state = phaseOf(row, at);
        const arm = idOf(row, "variant", at);
        const goals = state.armGoals.get(arm) ?? new Map();
        state.armGoals.set(arm, goals);
        goals.set(textOf(row, "goal", at), goalSumsOf(row, at));
        return;
      }
      case "day": {
        const state = phaseOf(row, at);
        const arm = idOf(row, "variant", at);
        const days = state.dayVisitors.get(arm) ?? new Map<number, number>();
        state.dayVisitors.set(arm, days);
        days.set(numberOf(row, "day", at), numberOf(row, "visitors", at));
        return;
      }
      case "day_goal": {
        const state = phaseOf(row, at);
        const arm = idOf(row, "variant", at);
        const goals = state.dayConverters.get(arm) ?? new Map<string, Map<number, number>>();
        state.dayConverters.set(arm, goals);
        const goal = textOf(row, "goal", at);
        const days = goals.get(goal) ?? new Map<number, number>();
        goals.set(goal, days);
        days.set(numberOf(row, "day", at), numberOf(row, "converters", at));
        return;
      }
      case "cap":
        phaseOf(row, at).caps.set(textOf(row, "goal", at), {
          percentile: header.capPercentile ?? Number.NaN,
          cap: numberOf(row, "cap", at),
          capped: optionalNumber(row, "capped", at),
        });
        return;
      case "group_arm": {
        const state = phaseOf(row, at);
        groupArm(state, groupOf(row, at), idOf(row, "variant", at)).visitors = numberOf(row, "visitors", at);
        return;
      }
      case "group_arm_goal": {
        const state = phaseOf(row, at);
        const sums = groupArm(state, groupOf(row, at), idOf(row, "variant", at));
        sums.goals.set(textOf(row, "goal", at), goalSumsOf(row, at));
        return;
      }
      default:
        throw new StatsRowError(`row ${at}: unknown kind ${JSON.stringify(kind)}`);
    }
  });
  if (!input) throw new StatsRowError('no row of kind "input": the rows are incomplete');
  for (const state of phases.values())
    if (!Number.isFinite(state.firstTs))
      throw new StatsRowError(
        `no row of kind "phase" for ${state.experiment} phase ${state.phase}: the rows are incomplete`,
      );
  const segments = [...phases.values()].map((state) =>
    segmentOf(state, header.by ?? (header.periodGroups ? "period" : undefined)),
  );
  return { result: { segments, input, lastTs }, header, valuesOverCap };
}
