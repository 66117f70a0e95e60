/**
 * The report builder: aggregated sums + the rules → the report (model.ts), for each experiment's phase.
 * Never mixes phases: by default each experiment's latest phase in the events, or the one asked for.
 */

import { CONTROL, HOLDOUT } from "../core/schema/experiment.ts";
import { DEFAULT_SEQUENTIAL_TUNING } from "../stats/index.ts";
import { armFigures, currencyOf } from "./arm-figures.ts";
import { banditReportOf } from "./bandit.ts";
import { judgedOnStratified } from "./bandit-judged.ts";
import { breakdownOf } from "./breakdown.ts";
import type { CompareOptions } from "./compare.ts";
import { type ComparisonPlan, comparisonsOf } from "./comparisons.ts";
import { type ArmConfig, directionsOf, type ExperimentConfig } from "./config.ts";
import { crossoverBalanceOf } from "./crossover-balance.ts";
import { dailySeries } from "./daily.ts";
import type { CrossoverRule } from "./finalize.ts";
import { iso } from "./format.ts";
import { metricSpecs } from "./metrics.ts";
import { type ExperimentReport, REPORT_SCHEMA, type Report } from "./model.ts";
import { sampleRatioOf } from "./sample-ratio.ts";
import type { Dimension } from "./segment.ts";
import { type AggregateResult, type ArmSums, goalOf, type SegmentData } from "./sums.ts";
import { verdictOf } from "./verdict.ts";
import { experimentWarnings } from "./warnings.ts";

const DAY_MS = 86_400_000;

export interface BuildOptions {
  /** The rules of an experiment phase (without a phase: as they are now); undefined when not in the rules. */
  configFor: (experiment: string, phase: number | undefined) => ExperimentConfig | undefined;
  source: Report["source"];
  experiment?: string;
  phase?: number;
  window?: string;
  windowMs?: number;
  by?: Dimension;
  /** The aggregation grouped by allocation period without a breakdown being asked for: bandits are stratified. */
  periodGroups?: boolean;
  sequential?: boolean;
  sequentialTuning?: number;
  alpha?: number;
  generatedAt?: Date;
  /** The rule the aggregation used for crossovers (default first-exposure). */
  crossovers?: CrossoverRule;
  /** The percentile the aggregation capped revenue at, if any. */
  capPercentile?: number;
  /** CUPED: the lookback the aggregation collected covariates over ("28d") and its length. */
  cuped?: { lookback: string; lookbackMs: number };
  /** Conversions the reader skipped for a value above the schema's cap. */
  valuesOverCap?: number;
}

interface Context {
  options: BuildOptions;
  alpha: number;
  asOf: number;
}

/** Arm roles for an experiment the rules do not know: the control (else the holdout) is the baseline. */
function guessedRoles(ids: readonly string[]): ArmConfig[] {
  const baseline = ids.includes(CONTROL) ? CONTROL : ids.includes(HOLDOUT) ? HOLDOUT : undefined;
  return ids.map((id) => ({
    id,
    share: 0,
    role: id === baseline ? "baseline" : id === HOLDOUT ? "holdout" : "treatment",
  }));
}

function armRoles(config: ExperimentConfig | undefined, observed: readonly string[]) {
  if (!config) return guessedRoles(observed);
  const extra = observed.filter((id) => !config.arms.some((arm) => arm.id === id));
  return [...config.arms, ...extra.map((id) => ({ id, share: 0, role: "unexpected" as const }))];
}

interface Timing {
  start: number;
  fromPhase: boolean;
  elapsedDays: number;
  /** Whole UTC days: the start's day is day 1 and the day of the latest event counts. */
  runDays: number;
}

/** The phase start from the stored version, unless the events begin earlier (clock skew, imported events). */
function timingOf(
  config: ExperimentConfig | undefined,
  phase: number,
  firstExposure: number,
  asOf: number,
): Timing {
  const recorded =
    config?.phase === phase && config.since !== undefined ? Date.parse(config.since) : Number.NaN;
  const fromPhase = Number.isFinite(recorded) && !(firstExposure < recorded);
  const start = fromPhase ? recorded : firstExposure;
  const known = Number.isFinite(start) && Number.isFinite(asOf);
  const elapsedDays = known ? Math.max(0, (asOf - start) / DAY_MS) : 0;
  const runDays = known ? Math.max(0, Math.floor(asOf / DAY_MS) - Math.floor(start / DAY_MS) + 1) : 0;
  return { start, fromPhase, elapsedDays, runDays };
}

/** Who is compared with whom, on what: from the rules, or guessed from the arm names when they lack it. */
function shapeOf(config: ExperimentConfig | undefined, arms: ReadonlyMap<string, ArmSums>) {
  const roles = armRoles(config, [...arms.keys()]);
  const baseline = config ? config.baseline : roles.find((arm) => arm.role === "baseline")?.id;
  const treatments = roles.filter((arm) => arm.role === "treatment").map((arm) => arm.id);
  const metrics = config?.metrics ?? { primary: "purchase", secondary: [], guardrails: [] };
  const goals = [...new Set([metrics.primary, ...metrics.secondary, ...metrics.guardrails])];
  const valued = (goal: string) => [...arms.values()].some((arm) => goalOf(arm, goal).valued);
  const plan: ComparisonPlan | undefined =
    baseline === undefined
      ? undefined
      : { baseline, treatments, specs: metricSpecs(metrics, valued), adjust: true };
  return { roles, baseline, treatments, metrics, goals, plan };
}

function experimentReport(
  id: string,
  phase: number,
  segment: SegmentData | undefined,
  context: Context,
): ExperimentReport {
  const { options } = context;
  const config = options.configFor(id, phase);
  // The experiment is judged at its own plan's level: `significant`, intervals and verdict agree.
  const alpha = config?.plan?.alpha ?? context.alpha;
  const arms: ReadonlyMap<string, ArmSums> = segment?.arms ?? new Map();
  const { roles, baseline, treatments, metrics, goals, plan } = shapeOf(config, arms);
  const currency = segment ? currencyOf(segment.currencies, "purchase") : null;
  const compareOptions: CompareOptions = {
    alpha,
    ...(options.cuped ? { cuped: true } : {}),
    ...(options.sequential
      ? {
          sequentialTuning: options.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING,
          sequentialAlpha: alpha / Math.max(1, treatments.length),
        }
      : {}),
  };
  const pooledComparisons = plan ? comparisonsOf(arms, plan, compareOptions) : [];
  const armReports = roles.map((arm) =>
    armFigures(arm.id, arm.role, arms.get(arm.id), goals, metrics.primary, currency),
  );
  const visitors = armReports.reduce((sum, arm) => sum + arm.visitors, 0);
  const timing = timingOf(config, phase, segment?.firstTs ?? Number.NaN, context.asOf);
  const stratified =
    config?.periods && (options.by === "period" || options.periodGroups) && segment?.groups
      ? banditReportOf({
          metric: metrics.primary,
          groups: segment.groups,
          periods: config.periods,
          roles,
          baseline,
          treatments,
          alpha,
        })
      : undefined;
  // A bandit's split changes by period: its SRM is checked against each period's shares, and gates the verdict;
  // its primary rate is judged stratified by period, never pooled.
  const srm = stratified?.srm ?? sampleRatioOf(config, arms);
  const comparisons = stratified
    ? judgedOnStratified(pooledComparisons, stratified.report, alpha)
    : pooledComparisons;
  const rule = options.crossovers ?? "first-exposure";
  const crossoverBalance = crossoverBalanceOf(
    roles
      .filter((arm) => arms.has(arm.id))
      .map((arm) => {
        const crossovers = segment?.crossoversByArm.get(arm.id) ?? 0;
        const counted = arms.get(arm.id)?.visitors ?? 0;
        return { id: arm.id, crossovers, visitors: rule === "exclude" ? counted + crossovers : counted };
      }),
    rule,
  );
  const gated = armReports.filter((arm) => arm.id === baseline || treatments.includes(arm.id));
  const verdict = verdictOf({
    hasData: visitors > 0,
    configured: config !== undefined,
    baseline,
    plan: config?.plan,
    gated: gated.map((arm) => ({ id: arm.id, visitors: arm.visitors, conversions: arm.conversions })),
    primary: comparisons.filter((c) => c.role === "primary"),
    guardrails: comparisons.filter((c) => c.role === "guardrail"),
    srm,
    crossovers: crossoverBalance,
    runDays: timing.runDays,
    alpha,
    directions: config?.directions ?? directionsOf(undefined),
  });
  const breakdown =
    options.by && segment?.groups
      ? breakdownOf({
          by: options.by,
          groups: segment.groups,
          config,
          armRoles: roles,
          plan,
          goals,
          primary: metrics.primary,
          currency,
          options: compareOptions,
        })
      : null;
  return {
    id,
    name: config?.name ?? null,
    kind: config?.kind ?? "unknown",
    status: config?.status ?? null,
    phase,
    since: Number.isFinite(timing.start) ? iso(timing.start) : null,
    sinceSource: timing.fromPhase ? "phase" : segment ? "first-exposure" : null,
    firstExposure: segment ? iso(segment.firstTs) : null,
    lastEvent: segment ? iso(segment.lastTs) : null,
    days: timing.elapsedDays,
    runDays: timing.runDays,
    alpha,
    baseline: baseline ?? null,
    metrics,
    crossovers: segment?.crossovers ?? 0,
    crossoverBalance,
    capping: [...(segment?.caps ?? new Map())].map(([goal, cap]) => ({ goal, ...cap })),
    srm,
    arms: armReports,
    comparisons,
    verdict,
    daily: segment
      ? dailySeries(
          segment.daily,
          roles.map((arm) => arm.id),
          metrics.primary,
        )
      : { metric: metrics.primary, dates: [], arms: [] },
    breakdown,
    ...(config?.periods ? { bandit: stratified?.report ?? null } : {}),
    warnings: [
      ...experimentWarnings(segment, goals, rule),
      ...(config?.periods && !stratified && segment
        ? [
            "a bandit experiment: the period-stratified figures and per-period SRM need the report by period (the default for bandits; drop --by)",
          ]
        : []),
    ],
  };
}

/** Which phase of each experiment to report: the one asked for, else the latest in the events. */
function selectSegments(
  result: AggregateResult,
  options: Pick<BuildOptions, "experiment" | "phase" | "configFor">,
): Map<string, { phase: number; segment?: SegmentData }> {
  const chosen = new Map<string, { phase: number; segment?: SegmentData }>();
  for (const segment of result.segments) {
    if (options.experiment !== undefined && segment.experiment !== options.experiment) continue;
    if (options.phase !== undefined && segment.phase !== options.phase) continue;
    const current = chosen.get(segment.experiment);
    if (!current || segment.phase > current.phase)
      chosen.set(segment.experiment, { phase: segment.phase, segment });
  }
  if (options.experiment !== undefined && !chosen.has(options.experiment)) {
    const phase = options.phase ?? options.configFor(options.experiment, undefined)?.phase ?? 1;
    chosen.set(options.experiment, { phase });
  }
  return chosen;
}

/** The (experiment, phase) pairs a report of these events covers, so their rules can be looked up first. */
export function reportedPhases(
  result: AggregateResult,
  options: Pick<BuildOptions, "experiment" | "phase" | "configFor">,
): [string, number][] {
  return [...selectSegments(result, options)].map(([id, { phase }]) => [id, phase]);
}

export function buildReport(result: AggregateResult, options: BuildOptions): Report {
  const alpha = options.alpha ?? 0.05;
  const context: Context = { options, alpha, asOf: result.lastTs };
  const experiments = [...selectSegments(result, options)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, { phase, segment }]) => experimentReport(id, phase, segment, context));
  const warnings: string[] = [];
  if ((options.valuesOverCap ?? 0) > 0) {
    warnings.push(
      `${options.valuesOverCap} conversion(s) skipped: their value is above the event schema's cap (10,000,000,000 minor units), almost certainly a unit or test-data mistake; see input.valuesOverCap.`,
    );
  }
  if (result.input.outOfOrder > 0) {
    warnings.push(
      `${result.input.outOfOrder} exposure(s) came after a later conversion: the input was neither in time order nor exposures first, so some conversions may be missing.`,
    );
  }
  return {
    schema: REPORT_SCHEMA,
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    asOf: iso(result.lastTs),
    source: options.source,
    options: {
      experiment: options.experiment ?? null,
      phase: options.phase ?? null,
      window: options.window ?? null,
      windowMs: options.windowMs ?? null,
      by: options.by ?? null,
      sequential: options.sequential ?? false,
      sequentialTuning: options.sequential ? (options.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING) : null,
      alpha,
      crossovers: options.crossovers ?? "first-exposure",
      capRevenue: options.capPercentile ?? null,
      cuped: options.cuped?.lookback ?? null,
      cupedMs: options.cuped?.lookbackMs ?? null,
    },
    input: { ...result.input, valuesOverCap: options.valuesOverCap ?? 0 },
    warnings,
    experiments,
  };
}
