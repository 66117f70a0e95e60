import { z } from "zod";
import { ExperimentSchema } from "./experiment.ts";

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
