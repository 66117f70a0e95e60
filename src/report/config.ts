/**
 * What the report needs to know about an experiment phase from the rules: its arms with the share of exposed
 * visitors each should get (for the SRM check), which arm is the baseline, its metrics and plan, and the phase
 * start. Built from a rule set (rule files) or a stored snapshot, which also records phases.
 */

import { CONTROL, type Experiment, HOLDOUT } from "../core/schema/experiment.ts";
import { type GoalDirection, PURCHASE, PURCHASE_DIRECTION } from "../core/schema/goals.ts";
import type { Plan } from "../core/schema/plan.ts";
import { GLOBAL_HOLDOUT, PERSONALISED } from "../core/schema/settings.ts";
import type { Period, Snapshot } from "../core/schema/snapshot.ts";

export type ReportKind = "experiment" | "rollout" | "programme-holdout";
export type ArmRole = "baseline" | "treatment" | "holdout";

export interface ArmConfig {
  id: string;
  /** Expected share of the phase's exposed visitors, in (0, 1]; the shares of an experiment add up to 1. */
  share: number;
  role: ArmRole;
}

export interface ExperimentConfig {
  id: string;
  name: string | null;
  kind: ReportKind;
  status: string;
  /** Every arm that should receive visitors. */
  arms: ArmConfig[];
  /** The arm every treatment is compared with: the control, or the holdout for roll-outs and the programme. */
  baseline: string | undefined;
  metrics: { primary: string; secondary: string[]; guardrails: string[] };
  /** Which way each metric goal is better, when declared (settings.goals[].direction; purchase: increase). */
  directions: ReadonlyMap<string, GoalDirection>;
  plan: Plan | undefined;
  /** The phase these rules describe and when it started, when known (snapshots record it; rule files do not). */
  phase: number | undefined;
  since: string | undefined;
  /** Bandit experiments: each allocation period's expected arm shares (docs/autopilot.md), by period id. */
  periods?: Map<number, ArmConfig[]>;
}

interface PhaseInfo {
  phase: number;
  since: string;
  period?: Period | undefined;
}

function normalised(arms: ArmConfig[]): ArmConfig[] {
  const kept = arms.filter((arm) => arm.share > 0);
  const total = kept.reduce((sum, arm) => sum + arm.share, 0);
  return kept.map((arm) => ({ ...arm, share: arm.share / total }));
}

/**
 * Expected shares follow the allocation in src/core/decide/decide.ts: the holdout is drawn first from every eligible
 * visitor (share h, whatever the coverage); the rest are split by weight within the coverage, so variant i gets
 * (1 − h) · coverage · wᵢ/Σw. A roll-out gives everyone outside the holdout the rolled-out variant: (1 − h, h).
 */
function armsOf(experiment: Experiment): {
  arms: ArmConfig[];
  baseline: string | undefined;
  kind: ReportKind;
} {
  const h = experiment.holdout;
  const holdout: ArmConfig = { id: HOLDOUT, share: h, role: "holdout" };
  if (experiment.status === "rolled-out" && experiment.rollout) {
    const arms = normalised([
      { id: experiment.rollout, share: 1 - h, role: "treatment" },
      { ...holdout, role: "baseline" },
    ]);
    return { arms, baseline: h > 0 ? HOLDOUT : undefined, kind: "rollout" };
  }
  const total = experiment.variants.reduce((sum, variant) => sum + variant.weight, 0);
  const variants: ArmConfig[] = experiment.variants.map((variant) => ({
    id: variant.id,
    share: ((1 - h) * experiment.coverage * variant.weight) / total,
    role: variant.id === CONTROL ? "baseline" : "treatment",
  }));
  const arms = normalised([...variants, holdout]);
  if (arms.some((arm) => arm.id === CONTROL)) return { arms, baseline: CONTROL, kind: "experiment" };
  // A control weighted 0 leaves the holdout (which sees the control's page) as the only fair baseline.
  const fallback = arms.map((arm) => (arm.id === HOLDOUT ? { ...arm, role: "baseline" as const } : arm));
  return { arms: fallback, baseline: h > 0 ? HOLDOUT : undefined, kind: "experiment" };
}

/** The arms' expected shares had the variants these weights (a bandit period's), holdout and coverage as configured. */
function sharesWithWeights(experiment: Experiment, weights: Readonly<Record<string, number>>): ArmConfig[] {
  const variants = experiment.variants.map((variant) => ({
    ...variant,
    weight: weights[variant.id] ?? variant.weight,
  }));
  return armsOf({ ...experiment, variants }).arms;
}

/**
 * A bandit's allocation periods as the rules record them (the snapshot's phase): period id → the arms' expected
 * shares in it, holdout included. Period 1 is the variants' own weights; periods the phase no longer remembers are
 * absent.
 */
export function periodShares(
  experiment: Experiment,
  phase: { period?: Period | undefined } | undefined,
): Map<number, ArmConfig[]> {
  const periods = new Map<number, ArmConfig[]>();
  const own = Object.fromEntries(experiment.variants.map((variant) => [variant.id, variant.weight]));
  periods.set(1, sharesWithWeights(experiment, own));
  for (const past of phase?.period?.past ?? [])
    periods.set(past.id, sharesWithWeights(experiment, past.weights));
  if (phase?.period) periods.set(phase.period.id, sharesWithWeights(experiment, phase.period.weights));
  return periods;
}

export function experimentConfig(
  experiment: Experiment,
  phase?: PhaseInfo,
  directions: ReadonlyMap<string, GoalDirection> = directionsOf(undefined),
): ExperimentConfig {
  const { arms, baseline, kind } = armsOf(experiment);
  return {
    id: experiment.id,
    name: experiment.name ?? null,
    kind,
    status: experiment.status,
    arms,
    baseline,
    metrics: {
      primary: experiment.metrics.primary,
      secondary: [...experiment.metrics.secondary],
      guardrails: [...experiment.metrics.guardrails],
    },
    directions,
    plan: experiment.plan,
    phase: phase?.phase,
    since: phase?.since,
    ...(experiment.allocation ? { periods: periodShares(experiment, phase) } : {}),
  };
}

/** The programme holdout, logged as experiment "global-holdout": "personalised" is compared with "holdout". */
function programmeConfig(
  settings: ProgrammeSettings | undefined,
  phase?: PhaseInfo,
): ExperimentConfig | undefined {
  const share = settings?.holdout?.share ?? 0;
  if (!(share > 0)) return undefined;
  return {
    id: GLOBAL_HOLDOUT,
    name: "Programme holdout: all personalisation against none",
    kind: "programme-holdout",
    status: "running",
    arms: [
      { id: PERSONALISED, share: 1 - share, role: "treatment" },
      { id: HOLDOUT, share, role: "baseline" },
    ],
    baseline: HOLDOUT,
    metrics: { primary: "purchase", secondary: [], guardrails: [] },
    directions: directionsOf(undefined),
    plan: undefined,
    phase: phase?.phase,
    since: phase?.since,
  };
}

/** The programme settings a report needs (parsed settings or a rule file's input both have them). */
export interface ProgrammeSettings {
  holdout?: { share: number } | undefined;
  goals?: readonly { id: string; direction?: GoalDirection | undefined }[] | undefined;
}

/** Declared goal directions; purchase is built in as "increase". Undeclared goals have none: nothing is guessed. */
export function directionsOf(settings: ProgrammeSettings | undefined): Map<string, GoalDirection> {
  const directions = new Map<string, GoalDirection>([[PURCHASE, PURCHASE_DIRECTION]]);
  for (const goal of settings?.goals ?? []) if (goal.direction) directions.set(goal.id, goal.direction);
  return directions;
}

export interface RulesForReport {
  experiments: readonly Experiment[];
  settings?: ProgrammeSettings | undefined;
  /** From a snapshot: each experiment's current phase. */
  phases?: Snapshot["phases"];
}

/** Every experiment of a rule set (and the programme holdout) by id. */
export function configsOf(rules: RulesForReport): Map<string, ExperimentConfig> {
  const configs = new Map<string, ExperimentConfig>();
  const directions = directionsOf(rules.settings);
  for (const experiment of rules.experiments) {
    configs.set(experiment.id, experimentConfig(experiment, rules.phases?.[experiment.id], directions));
  }
  const programme = programmeConfig(rules.settings, rules.phases?.[GLOBAL_HOLDOUT]);
  if (programme) configs.set(GLOBAL_HOLDOUT, programme);
  return configs;
}
