import * as z from "zod";
import { AudienceSchema } from "./audience.ts";
import { ExperimentSchema } from "./experiment.ts";
import { SettingsSchema } from "./settings.ts";

/** One file in `rules/`. Files are merged at compile time; experiment ids are unique across all of them. */
export const RuleFileSchema = z
  .object({
    $schema: z.string().optional(),
    settings: SettingsSchema.optional(),
    audiences: z.array(AudienceSchema).max(500).default([]),
    experiments: z.array(ExperimentSchema).max(1_000).default([]),
  })
  .strict();
