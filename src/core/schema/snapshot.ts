import * as z from "zod";
import { AudienceSchema } from "./audience.ts";
import { ExperimentSchema } from "./experiment.ts";
import { DEFAULT_SETTINGS, SettingsSchema } from "./settings.ts";

/**
 * A bandit experiment's current allocation period (docs/autopilot.md#adaptive-allocation): the weights the autopilot
 * set at its latest reweight. Absent: period 1, the variants' own weights (the burn-in). Its id travels on exposure
 * events, so the report stratifies by the period a visitor was assigned in, never by time.
 */
const PeriodSchema = z
  .object({
    id: z.number().int().positive(),
    since: z.iso.datetime(),
    /** Variant id → share of the experiment's traffic in this period. */
    weights: z.record(z.string(), z.number().min(0).max(1)),
    /** The highest period id this phase has had, so a rollback followed by a reweight never reuses one. */
    highest: z.number().int().positive(),
    /** Earlier periods' weights (newest MAX_PAST kept), for the report's and the autopilot's per-period SRM. */
    past: z
      .array(
        z
          .object({
            id: z.number().int().positive(),
            weights: z.record(z.string(), z.number().min(0).max(1)),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();
/** Earlier periods a phase remembers: at one reweight every 6 hours, 50 days. */
export const MAX_PAST_PERIODS = 200;
export type Period = z.infer<typeof PeriodSchema>;

/**
 * An experiment's current phase. A change to who is allocated where (pages, audience, coverage, weights, holdout,
 * layer, seed, roll-out) starts a new phase, and reports never mix phases.
 */
const PhaseSchema = z
  .object({
    phase: z.number().int().positive(),
    since: z.iso.datetime(),
    /** Digest of the allocation this phase was started with. */
    allocation: z.string(),
    /** The highest phase number this experiment has ever had, so a phase number is never reused after a rollback. */
    highest: z.number().int().positive(),
    period: PeriodSchema.optional(),
  })
  .strict();
export type Phase = z.infer<typeof PhaseSchema>;

/** Bump when a snapshot written by an older Stylist can no longer be read as-is. */
export const SNAPSHOT_FORMAT = 1;

/** An immutable, validated set of rules as stored in KV under `rules:v<version>`. */
export const SnapshotSchema = z
  .object({
    format: z.literal(SNAPSHOT_FORMAT),
    version: z.number().int().positive(),
    createdAt: z.string().datetime(),
    author: z.string().max(200),
    message: z.string().max(1_000),
    /** Experiment ids switched off by `stylist kill`; they serve the control and log nothing. */
    killed: z.array(z.string()).default([]),
    settings: SettingsSchema.default(DEFAULT_SETTINGS),
    audiences: z.array(AudienceSchema).default([]),
    /** Keyed by experiment id, plus "global-holdout" for the programme holdout. */
    phases: z.record(z.string(), PhaseSchema).default({}),
    experiments: z.array(ExperimentSchema),
  })
  .strict();

export type Snapshot = z.infer<typeof SnapshotSchema>;

/** The one mutable key: which snapshot visitors get. */
export const PointerSchema = z.object({ version: z.number().int().positive() }).strict();
export type Pointer = z.infer<typeof PointerSchema>;

export const KV_KEYS = {
  active: "rules:active",
  snapshot: (version: number) => `rules:v${version}`,
  snapshotPrefix: "rules:v",
} as const;
