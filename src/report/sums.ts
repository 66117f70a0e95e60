/**
 * The sufficient statistics the report is computed from. Unit = visitor: every sum is over visitors, with each
 * visitor's own total for the goal (their revenue, their number of orders) as the value (DESIGN.md "Statistics").
 */

/** One arm and one goal. */
export interface GoalSums {
  /** Visitors with at least one counted conversion of the goal. */
  converters: number;
  /** Counted conversions of the goal (for "purchase": orders). Σ over visitors of their count. */
  orders: number;
  /** Σ revenue (minor units) over visitors. */
  revenue: number;
  /** Σ revenue² over visitors (each visitor's revenue, squared). */
  revenueSquares: number;
  /** Σ orders² over visitors. */
  ordersSquares: number;
  /** Σ revenue·orders over visitors. */
  revenueOrders: number;
  /** Whether any counted conversion of the goal carried a value. */
  valued: boolean;
  /**
   * CUPED covariates (zero without a lookback): x = 1 when the visitor converted on the goal in the lookback window
   * before their first exposure, r = their revenue on the goal in that window. Σx (= Σx²), Σx·converted, Σr, Σr²,
   * Σr·revenue.
   */
  preConverters: number;
  preConvertersConverted: number;
  preRevenue: number;
  preRevenueSquares: number;
  revenuePreRevenue: number;
}

/** One arm: its visitors and, per goal, the sums above. Goals no one in the arm reached are present with zeros. */
export interface ArmSums {
  visitors: number;
  goals: Map<string, GoalSums>;
}

/** Cumulative counts per UTC day, for the charts. Index 0 is the day of the phase's first exposure. */
export interface DailyCounts {
  /** Milliseconds at 00:00 UTC of day 0. */
  dayZero: number;
  days: number;
  arms: Map<string, { visitors: number[]; converters: Map<string, number[]> }>;
}

/** One experiment phase after the pass. */
export interface SegmentData {
  experiment: string;
  phase: number;
  /** Earliest and latest event counted in this phase (exposures and attributed conversions), ms. */
  firstTs: number;
  lastTs: number;
  /** Visitors exposed to more than one arm (counted in their first arm unless the rule is "exclude"). */
  crossovers: number;
  /** Crossovers by the arm of their first exposure. */
  crossoversByArm: Map<string, number>;
  /** With revenue capping: per valued goal, the cap applied to each visitor's revenue and how many were capped. */
  caps: Map<string, RevenueCap>;
  arms: Map<string, ArmSums>;
  /** With a breakdown: group value → arm → sums. A visitor in several segments counts in each. */
  groups: Map<string, Map<string, ArmSums>> | undefined;
  daily: DailyCounts;
  /** Currencies seen per goal; more than one means the revenue figures add unlike things. */
  currencies: Map<string, Set<string>>;
}

export interface RevenueCap {
  /** Percentile of the visitors with revenue > 0 on the goal, all arms pooled (0.99 = 99th). */
  percentile: number;
  /** The cap in minor units: per-visitor revenue above it counts as the cap. */
  cap: number;
  /** Visitors whose revenue was above the cap. */
  capped: number;
}

export interface InputCounts {
  events: number;
  exposures: number;
  misses: number;
  conversions: number;
  /** Conversions of visitors never exposed to a reported experiment (no memory is kept for them). */
  unattributed: number;
  /** Conversions dropped because their event id was seen before. */
  duplicateConversions: number;
  /** Conversions dropped because their (goal, orderId) was seen before. */
  duplicateOrders: number;
  /** Exposures that arrived after a later conversion: the input broke the ordering contract (see aggregate.ts). */
  outOfOrder: number;
}

export interface AggregateResult {
  segments: SegmentData[];
  input: InputCounts;
  /** Latest event timestamp in the input (ms), the report's "as of"; NaN for no events. */
  lastTs: number;
}

export function emptyGoalSums(): GoalSums {
  return {
    converters: 0,
    orders: 0,
    revenue: 0,
    revenueSquares: 0,
    ordersSquares: 0,
    revenueOrders: 0,
    valued: false,
    preConverters: 0,
    preConvertersConverted: 0,
    preRevenue: 0,
    preRevenueSquares: 0,
    revenuePreRevenue: 0,
  };
}

/** The goal's sums in an arm, zeros when nobody in the arm reached it. */
export function goalOf(arm: ArmSums | undefined, goal: string): GoalSums {
  return arm?.goals.get(goal) ?? emptyGoalSums();
}
