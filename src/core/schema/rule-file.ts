import { z } from "zod";
import { ExperimentSchema } from "./experiment.ts";
import { SettingsSchema } from "./settings.ts";

/** One file in `rules/`. Files are merged at compile time; experiment ids are unique across all of them. */
export const RuleFileSchema = z
  .object({
    $schema: z.string().optional(),
    settings: SettingsSchema.optional(),
    experiments: z.array(ExperimentSchema).max(1_000).default([]),
  })
  .strict();

export type RuleFile = z.infer<typeof RuleFileSchema>;
