/**
 * The autopilot's one decision, pure: given the active rules and each running experiment's sufficient statistics
 * for its current phase, which rules fire and what each asks for. The scheduled worker acts on it; `stylist
 * autopilot --dry-run` prints it. Thresholds: settings.autopilot; actions: each experiment's `autopilot` block.
 */

import { MISS_SAMPLE_RATE } from "../core/page-view/exposures.ts";
import {
  type AutopilotAction,
  type AutopilotRule,
  type AutopilotSettings,
  DEFAULT_AUTOPILOT_POLICY,
  DEFAULT_AUTOPILOT_SETTINGS,
} from "../core/schema/autopilot.ts";
import type { Experiment } from "../core/schema/experiment.ts";
import type { GoalDirection } from "../core/schema/goals.ts";
import type { Phase, Snapshot } from "../core/schema/snapshot.ts";
import { directionsOf, type ExperimentConfig, experimentConfig, periodShares } from "../report/config.ts";
import { confidenceSequence } from "../stats/sequential.ts";
import { sampleRatioMismatch } from "../stats/srm.ts";
import { periodSampleRatioMismatch } from "../stats/stratified.ts";

/** One arm of the current phase: visitors by first exposure (intention to treat) and how many converted per goal. */
export interface ArmCounts {
  visitors: number;
  converted: Readonly<Record<string, number>>;
}

/** A bandit's visitors assigned in one period to one arm, and how many converted on its metric. */
export interface PeriodArm {
  period: number;
  arm: string;
  visitors: number;
  converted: number;
}

export interface PhaseStats {
  phase: number;
  arms: Readonly<Record<string, ArmCounts>>;
  /** Bandit experiments only: the same visitors by allocation period. */
  periods?: readonly PeriodArm[];
  /** Page views in the drift window: exposures, and misses as logged (one in MISS_SAMPLE_RATE visitors). */
  window: { exposures: number; misses: number };
}

export interface Finding {
  experiment: string;
  phase: number;
  rule: AutopilotRule;
  action: Exclude<AutopilotAction, "off">;
  /** Acted on once per key: a person who revives a paused experiment is not overruled in the same phase. */
  key: string;
  reason: string;
}

export function autopilotSettingsOf(snapshot: Pick<Snapshot, "settings">): AutopilotSettings {
  return snapshot.settings.autopilot ?? DEFAULT_AUTOPILOT_SETTINGS;
}

/** Running, not killed, with a phase: the experiments the autopilot watches. */
export function watchedExperiments(snapshot: Snapshot): Experiment[] {
  const killed = new Set(snapshot.killed);
  return snapshot.experiments.filter(
    (experiment) =>
      experiment.status === "running" && !killed.has(experiment.id) && snapshot.phases[experiment.id],
  );
}

export function decideAutopilot(snapshot: Snapshot, stats: ReadonlyMap<string, PhaseStats>): Finding[] {
  const settings = autopilotSettingsOf(snapshot);
  const directions = directionsOf(snapshot.settings);
  const findings: Finding[] = [];
  for (const experiment of watchedExperiments(snapshot)) {
    const phase = stats.get(experiment.id);
    if (!phase || phase.phase !== snapshot.phases[experiment.id]?.phase) continue;
    const policy = { ...DEFAULT_AUTOPILOT_POLICY, ...experiment.autopilot };
    const config = experimentConfig(experiment, undefined, directions);
    const found = (rule: AutopilotRule, key: string, reason: string) => {
      const action = policy[rule];
      if (action === "off") return;
      findings.push({
        experiment: experiment.id,
        phase: phase.phase,
        rule,
        action,
        key: `${experiment.id}:${phase.phase}:${key}`,
        reason,
      });
    };
    const srm =
      policy.srm === "off"
        ? undefined
        : experiment.allocation && phase.periods
          ? periodSampleRatioFinding(experiment, snapshot.phases[experiment.id], phase, settings)
          : sampleRatioFinding(config, phase, settings);
    if (srm) found("srm", "srm", srm);
    // A broken split makes every comparison untrustworthy: harm is judged only on a sound one.
    if (!srm && policy.harm !== "off") {
      for (const harm of harmFindings(config, phase, settings, directions))
        found("harm", harm.key, harm.reason);
    }
    const drift = policy.drift === "off" ? undefined : driftFinding(phase, settings);
    if (drift) found("drift", "drift", drift);
  }
  return findings;
}

const totalVisitors = (phase: PhaseStats) =>
  Object.values(phase.arms).reduce((sum, arm) => sum + arm.visitors, 0);

/** Pearson's chi-square of visitors per arm against the configured shares (holdout included), as the report. */
function sampleRatioFinding(
  config: ExperimentConfig,
  phase: PhaseStats,
  settings: AutopilotSettings,
): string | undefined {
  const total = totalVisitors(phase);
  if (total < settings.minVisitors) return undefined;
  const expected = new Set(config.arms.map((arm) => arm.id));
  const stray = Object.entries(phase.arms).filter(([id, arm]) => !expected.has(id) && arm.visitors > 0);
  if (stray.length > 0) {
    return `phase ${phase.phase}: visitors in arm(s) the rules do not have: ${stray.map(([id, arm]) => `${id} ${arm.visitors}`).join(", ")}`;
  }
  if (config.arms.length < 2) return undefined;
  const observed = config.arms.map((arm) => phase.arms[arm.id]?.visitors ?? 0);
  const result = sampleRatioMismatch(
    observed,
    config.arms.map((arm) => arm.share),
  );
  if (!(result.pValue < settings.srmP)) return undefined;
  const split = config.arms
    .map((arm, i) => `${arm.id} ${observed[i]} (expected ${Math.round(result.expected[i] ?? 0)})`)
    .join(", ");
  return `phase ${phase.phase}: sample-ratio mismatch, ${split}; chi-square p = ${result.pValue.toExponential(1)} < ${settings.srmP}`;
}

/**
 * A bandit's split changes every period, so its SRM check compares each period's visitors with that period's shares
 * (Pearson's X² over period × arm cells, src/stats/stratified.ts): pooled counts against pooled shares would both
 * miss a broken period and blame a sound one.
 */
function periodSampleRatioFinding(
  experiment: Experiment,
  phaseRecord: Phase | undefined,
  phase: PhaseStats,
  settings: AutopilotSettings,
): string | undefined {
  if (totalVisitors(phase) < settings.minVisitors) return undefined;
  const shares = periodShares(experiment, phaseRecord);
  const known = new Set([...shares.values()].flatMap((arms) => arms.map((arm) => arm.id)));
  const stray = (phase.periods ?? []).filter((row) => !known.has(row.arm) && row.visitors > 0);
  if (stray.length > 0) {
    return `phase ${phase.phase}: visitors in arm(s) the rules do not have: ${stray.map((row) => `${row.arm} ${row.visitors}`).join(", ")}`;
  }
  // Periods the rules no longer remember (beyond MAX_PAST_PERIODS) cannot be checked; the rest can.
  const periods = [...new Set((phase.periods ?? []).map((row) => row.period))]
    .filter((id) => shares.has(id))
    .sort((a, b) => a - b);
  if (periods.length === 0) return undefined;
  const observed = periods.map((id) =>
    (shares.get(id) ?? []).map(
      (arm) => phase.periods?.find((row) => row.period === id && row.arm === arm.id)?.visitors ?? 0,
    ),
  );
  const result = periodSampleRatioMismatch(
    observed,
    periods.map((id) => (shares.get(id) ?? []).map((arm) => arm.share)),
  );
  if (!(result.pValue < settings.srmP)) return undefined;
  // The message names the (at most three) periods that contribute most to X², in period order.
  const contribution = (i: number) =>
    (observed[i] ?? []).reduce((sum, count, j) => {
      const e = result.expected[i]?.[j] ?? 0;
      return e > 0 ? sum + ((count - e) * (count - e)) / e : sum;
    }, 0);
  const named = periods
    .map((_, i) => i)
    .sort((a, b) => contribution(b) - contribution(a))
    .slice(0, 3)
    .sort((a, b) => a - b);
  const worst = named
    .map((i) => {
      const arms = shares.get(periods[i] as number) ?? [];
      const split = arms
        .map(
          (arm, j) => `${arm.id} ${observed[i]?.[j]} (expected ${Math.round(result.expected[i]?.[j] ?? 0)})`,
        )
        .join(", ");
      return `period ${periods[i]}: ${split}`;
    })
    .join("; ");
  return `phase ${phase.phase}: sample-ratio mismatch against each period's shares, ${worst}; chi-square p = ${result.pValue.toExponential(1)} < ${settings.srmP}`;
}

/**
 * Each treatment against the baseline on the primary metric and every guardrail with a declared direction: the
 * always-valid (1 − harmAlpha) interval of the difference in conversion rate (visitors converted after their first
 * exposure / visitors), harm when it lies wholly on the bad side of zero. Goals without a direction are skipped:
 * nothing is guessed.
 */
function harmFindings(
  config: ExperimentConfig,
  phase: PhaseStats,
  settings: AutopilotSettings,
  directions: ReadonlyMap<string, GoalDirection>,
): { key: string; reason: string }[] {
  if (totalVisitors(phase) < settings.minVisitors || !config.baseline) return [];
  const baseline = phase.arms[config.baseline];
  if (!baseline || baseline.visitors === 0) return [];
  const metrics = [...new Set([config.metrics.primary, ...config.metrics.guardrails])];
  const harms: { key: string; reason: string }[] = [];
  for (const arm of config.arms.filter((candidate) => candidate.role === "treatment")) {
    const treatment = phase.arms[arm.id];
    if (!treatment || treatment.visitors === 0) continue;
    for (const metric of metrics) {
      const direction = directions.get(metric);
      if (!direction) continue;
      const a = {
        n: baseline.visitors,
        conversions: Math.min(baseline.converted[metric] ?? 0, baseline.visitors),
      };
      const b = {
        n: treatment.visitors,
        conversions: Math.min(treatment.converted[metric] ?? 0, treatment.visitors),
      };
      // The unpooled (Wald) difference pB − pA, as absoluteLiftOfProportions, written out: the worker's bundle
      // then carries no Student-t or beta code it would never run.
      const pA = a.conversions / a.n;
      const pB = b.conversions / b.n;
      const standardError = Math.sqrt((pA * (1 - pA)) / a.n + (pB * (1 - pB)) / b.n);
      if (!(standardError > 0)) continue;
      const { lower, upper } = confidenceSequence({
        estimate: pB - pA,
        standardError,
        n: a.n + b.n,
        alpha: settings.harmAlpha,
        tuning: settings.harmTuning,
      });
      const harmful = direction === "increase" ? upper < 0 : lower > 0;
      if (!harmful) continue;
      const role = metric === config.metrics.primary ? "primary metric" : "guardrail";
      const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
      harms.push({
        key: `harm:${arm.id}:${metric}`,
        reason:
          `phase ${phase.phase}: ${arm.id} hurts ${role} ${metric} (should ${direction}): ` +
          `${pct(b.conversions / b.n)} of ${b.n} against ${config.baseline} ${pct(a.conversions / a.n)} of ${a.n}; ` +
          `always-valid ${Math.round(100 * (1 - settings.harmAlpha))}% interval of the difference [${pct(lower)}, ${pct(upper)}]`,
      });
    }
  }
  return harms;
}

/** Targets missing from more than driftShare of the decided views in the window (misses scaled up by sampling). */
function driftFinding(phase: PhaseStats, settings: AutopilotSettings): string | undefined {
  const { exposures, misses } = phase.window;
  const missed = misses * MISS_SAMPLE_RATE;
  const decided = exposures + missed;
  if (decided < settings.driftMinViews || !(missed / decided > settings.driftShare)) return undefined;
  return (
    `phase ${phase.phase}: targets missing from ~${Math.round((100 * missed) / decided)}% of ~${decided} decided views ` +
    `in the last ${settings.driftWindowHours} h (threshold ${Math.round(100 * settings.driftShare)}%): has the page changed?`
  );
}
