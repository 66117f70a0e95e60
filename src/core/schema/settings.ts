import { z } from "zod";
import { GoalSchema } from "./goals.ts";

/** Programme-wide settings, in the `settings` block of at most one rule file. */
export const SettingsSchema = z
  .object({
    holdout: z
      .object({
        share: z
          .number()
          .min(0)
          .max(0.5)
          .describe(
            "Share of all visitors who never get any personalisation, so the programme itself is measured.",
          ),
        seed: z.string().min(1).max(100).default("global-holdout"),
      })
      .strict()
      .optional(),
    goals: z
      .array(GoalSchema)
      .max(100)
      .default([])
      .describe('Conversion goals experiments can name as metrics; "purchase" is built in.'),
    redirectHosts: z
      .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "a host name such as shop.example.com"))
      .max(50)
      .default([])
      .describe("Hosts other than the storefront's own that redirect variants may send visitors to."),
  })
  .strict();

/** The programme holdout is logged as an experiment of its own, with arms "holdout" and "personalised". */
export const GLOBAL_HOLDOUT = "global-holdout";
export const PERSONALISED = "personalised";

export type Settings = z.infer<typeof SettingsSchema>;
export const DEFAULT_SETTINGS: Settings = { goals: [], redirectHosts: [] };
