/**
 * The report as data: what `stylist report --json` prints and every renderer reads. docs/report.md documents it
 * field by field. Stable: fields are only ever added; a breaking change bumps `schema`.
 * Numbers that cannot be computed (a rate of an empty arm, a lift over a zero baseline) are null.
 */

import type { ArmRole, ReportKind } from "./config.ts";
import type { Dimension } from "./segment.ts";

/**
 * Version 2: crossovers are counted in their first arm by default (visitors and every figure changed meaning),
 * `significant` reads the experiment's own α, a guardrail's direction comes from its goal, and intervals that
 * cannot be computed are null with a `note`.
 */
export const REPORT_SCHEMA = "stylist.report/2";

export type Interval = [number | null, number | null];
export type Statistic = "rate" | "revenuePerVisitor" | "averageOrderValue";
export type MetricRole = "primary" | "secondary" | "guardrail";

export interface Report {
  schema: typeof REPORT_SCHEMA;
  generatedAt: string;
  /** Time of the latest event read; durations ("ran 9 days") are measured to it. */
  asOf: string | null;
  source: {
    events: "sink" | "file";
    file: string | null;
    backend: "local" | "remote" | null;
    rules: "active" | "files";
    rulesVersion: number | null;
  };
  options: {
    experiment: string | null;
    phase: number | null;
    window: string | null;
    windowMs: number | null;
    by: Dimension | null;
    sequential: boolean;
    sequentialTuning: number | null;
    /** Two-sided level used where an experiment's plan sets none (0.05 → 95% intervals). */
    alpha: number;
    /** How visitors exposed to more than one arm are counted. */
    crossovers: "first-exposure" | "exclude";
    /** Percentile at which per-visitor revenue is capped (0.99), or null. */
    capRevenue: number | null;
    /** CUPED lookback before each visitor's first exposure ("28d"), or null without CUPED. */
    cuped: string | null;
    cupedMs: number | null;
  };
  input: {
    events: number;
    exposures: number;
    misses: number;
    conversions: number;
    unattributed: number;
    duplicateConversions: number;
    duplicateOrders: number;
    outOfOrder: number;
    /** Conversions skipped because their value is above the event schema's cap (file input). */
    valuesOverCap: number;
  };
  warnings: string[];
  experiments: ExperimentReport[];
}

export interface ExperimentReport {
  id: string;
  name: string | null;
  /** "unknown" when the experiment is in the events but not in the rules. */
  kind: ReportKind | "unknown";
  status: string | null;
  phase: number;
  /** Phase start: from the stored version, else the first exposure. */
  since: string | null;
  sinceSource: "phase" | "first-exposure" | null;
  firstExposure: string | null;
  lastEvent: string | null;
  /** Days from `since` to `asOf`. */
  days: number;
  /** Whole UTC days the phase has run: the day of `since` is day 1, the day of `asOf` counts (the run gate reads it). */
  runDays: number;
  /** Two-sided level this experiment is judged at: its plan's alpha, else the report's. Intervals are 1 − alpha. */
  alpha: number;
  baseline: string | null;
  metrics: { primary: string; secondary: string[]; guardrails: string[] };
  /** Visitors exposed to more than one arm (see crossoverBalance for the rule and the per-arm counts). */
  crossovers: number;
  crossoverBalance: CrossoverReport;
  /** Per valued goal, the revenue cap applied (with --cap-revenue). */
  capping: { goal: string; percentile: number; cap: number; capped: number }[];
  srm: SrmReport;
  arms: ArmReport[];
  comparisons: Comparison[];
  verdict: Verdict;
  daily: Daily;
  breakdown: Breakdown | null;
  /** Bandit experiments (docs/autopilot.md): period-stratified figures; absent for a fixed split. */
  bandit?: BanditReport | null;
  warnings: string[];
}

export interface SrmReport {
  /** Chi-square p-value of the arm visitor counts against the configured shares; null when it cannot be run. */
  p: number | null;
  statistic: number | null;
  df: number | null;
  threshold: number;
  /** true: consistent with the configured split; false: mismatch (p < threshold), no verdict; null: not checked. */
  ok: boolean | null;
  arms: { id: string; visitors: number; observedShare: number | null; expectedShare: number | null }[];
  note: string | null;
}

export interface CrossoverReport {
  /** "first-exposure": counted in the arm of their first exposure (intention to treat); "exclude": left out. */
  rule: "first-exposure" | "exclude";
  total: number;
  /** Per arm of first exposure: visitors (crossovers included), crossovers, and their share. */
  arms: { id: string; visitors: number; crossovers: number; share: number | null }[];
  /** Independence of crossing over and arm: chi-square, or Fisher's exact test for two arms and small counts. */
  p: number | null;
  method: "chi-square" | "fisher-exact" | null;
  threshold: number;
  /** false: crossovers depend on the arm (p < threshold), no verdict; null: not checked. */
  ok: boolean | null;
  note: string | null;
}

export interface GoalFigures {
  /** Visitors who converted at least once. */
  conversions: number;
  rate: number | null;
  /** Counted conversion events (for purchase: orders). */
  orders: number;
  /** Σ value in minor units. */
  revenue: number;
}

export interface ArmReport {
  id: string;
  /** "unexpected": in the events but not among the configured arms. */
  role: ArmRole | "unexpected";
  visitors: number;
  /** On the primary metric. */
  conversions: number;
  rate: number | null;
  /** Purchase orders, revenue (minor units), revenue per visitor, average order value. */
  orders: number;
  revenue: number;
  revenuePerVisitor: number | null;
  aov: number | null;
  currency: string | null;
  goals: Record<string, GoalFigures>;
}

export interface Comparison {
  arm: string;
  baseline: string;
  metric: string;
  statistic: Statistic;
  role: MetricRole;
  baselineValue: number | null;
  value: number | null;
  /** Absolute difference value − baselineValue, and its interval. */
  difference: number | null;
  differenceCi: Interval;
  /** Relative lift value / baselineValue − 1 and its delta-method interval. */
  lift: number | null;
  ci: Interval;
  /** Two-proportion z-test or Fisher's exact test (rate), Welch's t (revenue per visitor, average order value). */
  p: number | null;
  /** How p and differenceCi were computed: "z-test" (Newcombe interval), "fisher-exact" (Newcombe), "welch-t", "cuped-welch-t", "cuped-z", "period-stratified z" (a bandit's primary rate). */
  method: string | null;
  /** Why a figure is null (too few conversions or buyers, no variation), else null. */
  note: string | null;
  /** With CUPED: θ and the share of the difference's variance removed by the pre-exposure covariate. */
  cuped: { theta: number; varianceReduction: number; covariate: string } | null;
  /** Holm–Bonferroni across the arms compared on this metric and statistic. */
  pAdjusted: number | null;
  /** Bayesian probability that the arm beats the baseline. */
  chanceToBeat: number | null;
  /** pAdjusted below alpha (p for exploratory breakdowns). */
  significant: boolean;
  sequential: { ci: Interval; differenceCi: Interval; significant: boolean } | null;
}

type VerdictStatus =
  | "winner"
  | "loser"
  | "no-detectable-difference"
  | "too-early"
  | "sample-ratio-mismatch"
  | "crossover-imbalance"
  | "no-baseline"
  | "no-data"
  | "not-configured";

export interface Gate {
  met: boolean;
  required: number | null;
  actual: number;
  text: string;
}

export interface Verdict {
  status: VerdictStatus;
  /** One or two sentences a person can act on. */
  text: string;
  planned: boolean;
  gates: { sampleSize: Gate; run: Gate; conversions: Gate } | null;
  arms: { arm: string; status: "winner" | "loser" | "no-detectable-difference"; text: string }[];
  guardrails: {
    arm: string;
    metric: string;
    statistic: Statistic;
    direction: "increase" | "decrease";
    lift: number | null;
    p: number | null;
    text: string;
  }[];
  /** With more than one guardrail test: k tests each at α, unadjusted, ring by chance with probability 1 − (1 − α)^k. */
  guardrailFamily: { tests: number; alpha: number; falseAlarmRate: number; text: string } | null;
  /** Fires on the always-valid interval of the difference, and prints that interval. */
  sequential: { arm: string; differenceCi: Interval; text: string }[];
}

export interface Daily {
  metric: string;
  dates: string[];
  arms: { id: string; visitors: number[]; conversions: number[]; rate: (number | null)[] }[];
}

export interface Breakdown {
  by: Dimension;
  exploratory: true;
  note: string;
  groups: { value: string; srmP: number | null; arms: ArmReport[]; comparisons: Comparison[] }[];
}

/** A bandit experiment's period-stratified figures (src/report/bandit.ts). */
export interface BanditReport {
  /** The goal estimated: the experiment's primary metric. */
  metric: string;
  periods: { id: number; visitors: number; weight: number; known: boolean }[];
  arms: {
    id: string;
    role: ArmRole | "unexpected";
    visitors: number;
    /** Period-stratified conversion rate and its standard error. */
    rate: number | null;
    se: number | null;
    /** Every visitor of the arm pooled, for contrast: biased when the base rate moved between periods. */
    pooledRate: number | null;
  }[];
  /** Each treatment against the baseline, stratified: difference in conversion rate, its interval at the report's level and p. */
  comparisons: {
    arm: string;
    baseline: string;
    difference: number | null;
    lower: number | null;
    upper: number | null;
    p: number | null;
  }[];
  note: string;
}
