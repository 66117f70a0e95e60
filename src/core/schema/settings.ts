import * as z from "zod";
import { PagePattern } from "./audience.ts";
import { AutopilotSettingsSchema } from "./autopilot.ts";
import { ConsentSchema } from "./consent.ts";
import { GoalSchema } from "./goals.ts";
import { CustomerSourceSchema, TaxonomyEntrySchema } from "./taxonomy.ts";

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
    taxonomy: z.array(TaxonomyEntrySchema).max(100).default([]).describe("Page types for the edge profile."),
    categories: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/))
      .max(500)
      .optional()
      .describe("Known category ids; `stylist validate` warns about audiences naming others."),
    customer: CustomerSourceSchema.optional(),
    timeZone: z
      .string()
      .max(64)
      .refine(isTimeZone, "an IANA time zone such as Europe/London")
      .default("UTC")
      .describe("The store's time zone, for localHour and weekday conditions."),
    consent: ConsentSchema.default({
      mode: "statistical",
      grantedValues: ["1", "true", "yes", "granted", "accepted", "all"],
    }),
    redirectHosts: z
      .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "a host name such as shop.example.com"))
      .max(50)
      .default([])
      .describe("Hosts other than the storefront's own that redirect variants may send visitors to."),
    pageCache: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            "Reuse a rendered arm of a page the origin marks shared-cacheable (public or s-maxage), per URL, rules version and arms, instead of fetching and rewriting it again.",
          ),
        maxSeconds: z
          .number()
          .int()
          .min(1)
          .max(3600)
          .default(60)
          .describe("The longest a rendered page is reused, even when the origin allows longer."),
        ignoreCookiesOn: z
          .array(PagePattern)
          .max(50)
          .default([])
          .describe(
            "Pages the origin renders the same whatever cookies the request carries. Elsewhere a request with any cookie but Stylist's own (and the consent cookie) is never served a kept page nor kept, since the origin may have rendered it for that visitor.",
          ),
      })
      .strict()
      .default({ enabled: false, maxSeconds: 60, ignoreCookiesOn: [] })
      .describe(
        "Off by default. Pages whose arms use visitor values (placeholders, product lists) are never reused.",
      ),
    autopilot: AutopilotSettingsSchema.optional().describe("Autopilot thresholds (docs/autopilot.md)."),
  })
  .strict();

/** The programme holdout is logged as an experiment of its own, with arms "holdout" and "personalised". */
export const GLOBAL_HOLDOUT = "global-holdout";
export const PERSONALISED = "personalised";

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingsInput = z.input<typeof SettingsSchema>;
export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
