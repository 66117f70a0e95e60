/**
 * The report of a bandit experiment (docs/autopilot.md#the-report): its allocation changed between periods, so the
 * pooled figures mix periods in proportions the bandit chose. Stratified by the period each visitor was assigned in
 * (carried on exposure events), every arm is estimated over the same mix of periods — weights Nₚ/N, variance
 * Σ wₚ²·sₚ²/nₚ (src/stats/stratified.ts, GrowthBook's bandit estimator) — and the split is checked against each
 * period's own expected shares.
 */

import { normalQuantile, normalSurvival, SRM_THRESHOLD } from "../stats/index.ts";
import {
  type PeriodCell,
  periodSampleRatioMismatch,
  pooledMean,
  stratifiedMean,
} from "../stats/stratified.ts";
import { finite } from "./compare.ts";
import type { ArmConfig, ArmRole } from "./config.ts";
import type { BanditReport, SrmReport } from "./model.ts";
import type { ArmSums } from "./sums.ts";

const NOTE =
  "A bandit changes its split between periods, so pooled figures weight each period differently per arm. " +
  "The verdict and the primary-rate comparisons above use these: each arm's rate over the same mix of periods " +
  "(weights Nₚ/N), intervals from Σ wₚ²·sₚ²/nₚ (Holm-adjusted above, raw here). Other metrics are pooled.";

export interface BanditInput {
  metric: string;
  /** Period id (as the breakdown key) → arm → sums. */
  groups: ReadonlyMap<string, ReadonlyMap<string, ArmSums>>;
  periods: ReadonlyMap<number, ArmConfig[]>;
  roles: readonly { id: string; role: ArmRole | "unexpected" }[];
  baseline: string | undefined;
  treatments: readonly string[];
  alpha: number;
}

/** Per-period SRM (replaces the pooled one for a bandit) and the stratified figures. */
export function banditReportOf(input: BanditInput): { srm: SrmReport; report: BanditReport } {
  const ids = [...input.groups.keys()]
    .map(Number)
    .filter(Number.isInteger)
    .sort((a, b) => a - b);
  const armIds = input.roles.map((arm) => arm.id);
  const cells: PeriodCell[][] = ids.map((id) =>
    armIds.map((arm) => {
      const sums = input.groups.get(String(id))?.get(arm);
      const converted = sums?.goals.get(input.metric)?.converters ?? 0;
      return { n: sums?.visitors ?? 0, sum: converted, sumSquares: converted };
    }),
  );
  const totals = cells.map((period) => period.reduce((sum, cell) => sum + cell.n, 0));
  const all = totals.reduce((sum, n) => sum + n, 0);
  const estimates = armIds.map((_, arm) => ({
    stratified: stratifiedMean(cells, arm),
    pooled: pooledMean(cells, arm),
  }));
  const z = normalQuantile(1 - input.alpha / 2);
  const at = (arm: string) => estimates[armIds.indexOf(arm)];
  const comparisons = input.baseline
    ? input.treatments.map((arm) => {
        const t = at(arm)?.stratified;
        const b = at(input.baseline as string)?.stratified;
        const difference = t && b ? t.mean - b.mean : Number.NaN;
        const se = t && b ? Math.sqrt(t.variance + b.variance) : Number.NaN;
        return {
          arm,
          baseline: input.baseline as string,
          difference: finite(difference),
          lower: finite(difference - z * se),
          upper: finite(difference + z * se),
          p: se > 0 ? finite(2 * normalSurvival(Math.abs(difference / se))) : null,
        };
      })
    : [];
  return {
    srm: periodSrm(ids, cells, armIds, input.periods),
    report: {
      metric: input.metric,
      periods: ids.map((id, i) => ({
        id,
        visitors: totals[i] ?? 0,
        weight: all > 0 ? (totals[i] ?? 0) / all : 0,
        known: input.periods.has(id),
      })),
      arms: input.roles.map((arm, i) => ({
        id: arm.id,
        role: arm.role,
        visitors: estimates[i]?.pooled.n ?? 0,
        rate: finite(estimates[i]?.stratified.mean ?? Number.NaN),
        se: finite(Math.sqrt(estimates[i]?.stratified.variance ?? Number.NaN)),
        pooledRate: finite(estimates[i]?.pooled.mean ?? Number.NaN),
      })),
      comparisons,
      note: NOTE,
    },
  };
}

/** Pearson's X² over the periods the rules remember, each against its own shares. */
function periodSrm(
  ids: readonly number[],
  cells: readonly PeriodCell[][],
  armIds: readonly string[],
  periods: ReadonlyMap<number, ArmConfig[]>,
): SrmReport {
  const known = ids.map((id, i) => ({ id, i })).filter(({ id }) => periods.has(id));
  const shareOf = (id: number, arm: string) =>
    periods.get(id)?.find((config) => config.id === arm)?.share ?? 0;
  const observed = known.map(({ i }) => armIds.map((_, arm) => cells[i]?.[arm]?.n ?? 0));
  const result = periodSampleRatioMismatch(
    observed,
    known.map(({ id }) => armIds.map((arm) => shareOf(id, arm))),
  );
  const total = observed.flat().reduce((sum, n) => sum + n, 0);
  const arms = armIds.map((id, arm) => {
    const visitors = observed.reduce((sum, row) => sum + (row[arm] ?? 0), 0);
    const expected = result.expected.reduce((sum, row) => sum + (row[arm] ?? 0), 0);
    return {
      id,
      visitors,
      observedShare: total > 0 ? visitors / total : null,
      expectedShare: total > 0 ? expected / total : null,
    };
  });
  const unknown = ids.filter((id) => !periods.has(id));
  const skipped = unknown.length > 0 ? `; period(s) ${unknown.join(", ")} not in the rules, not checked` : "";
  if (total === 0)
    return {
      p: null,
      statistic: null,
      df: null,
      threshold: SRM_THRESHOLD,
      ok: null,
      arms,
      note: `no visitors in a known period${skipped}`,
    };
  const ok = result.pValue >= SRM_THRESHOLD;
  return {
    p: finite(result.pValue),
    statistic: finite(result.statistic),
    df: result.df,
    threshold: SRM_THRESHOLD,
    ok,
    arms,
    note: `${ok ? "checked" : "mismatch"} against each period's shares (${known.length} period${known.length === 1 ? "" : "s"})${skipped}`,
  };
}
