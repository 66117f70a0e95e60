import * as z from "zod";

/** What the scheduled autopilot does when a rule fires: switch the experiment off and say so, only say so, or nothing. */
export const AUTOPILOT_ACTIONS = ["pause", "alert", "off"] as const;
export type AutopilotAction = (typeof AUTOPILOT_ACTIONS)[number];
export const AUTOPILOT_RULES = ["srm", "harm", "drift"] as const;
export type AutopilotRule = (typeof AUTOPILOT_RULES)[number];

const Action = z.enum(AUTOPILOT_ACTIONS);

/** Per experiment. Omitted keys take the safe defaults: a broken split pauses, harm and drift only alert. */
export const AutopilotPolicySchema = z
  .object({
    srm: Action.default("pause").describe("Sample-ratio mismatch in the current phase."),
    harm: Action.default("alert").describe(
      "An always-valid interval shows the primary metric or a guardrail moved the harmful way.",
    ),
    drift: Action.default("alert").describe("The experiment's targets stopped rendering on decided views."),
  })
  .strict();
export type AutopilotPolicy = z.infer<typeof AutopilotPolicySchema>;
export const DEFAULT_AUTOPILOT_POLICY: AutopilotPolicy = AutopilotPolicySchema.parse({});

/** Programme-wide thresholds, in `settings.autopilot`. */
export const AutopilotSettingsSchema = z
  .object({
    minVisitors: z
      .number()
      .int()
      .min(10)
      .max(10_000_000)
      .default(1000)
      .describe("Exposed visitors the current phase needs before the SRM and harm rules judge it."),
    srmP: z
      .number()
      .gt(0)
      .max(0.05)
      .default(0.001)
      .describe("The SRM rule fires below this chi-square p-value."),
    harmAlpha: z
      .number()
      .gt(0)
      .max(0.2)
      .default(0.05)
      .describe("Two-sided level of the always-valid interval per arm and metric."),
    harmTuning: z
      .number()
      .int()
      .min(100)
      .max(10_000_000)
      .default(5000)
      .describe("N*, the visitors where the always-valid interval is tightest; keep it fixed."),
    driftShare: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe("The drift rule fires when targets were missing from more than this share of decided views."),
    driftMinViews: z
      .number()
      .int()
      .min(20)
      .max(10_000_000)
      .default(400)
      .describe("Decided views (estimated) the drift window needs before the drift rule judges it."),
    driftWindowHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 14)
      .default(24)
      .describe("How far back the drift rule looks, within the current phase."),
    webhookVar: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,63}$/, "an environment variable name such as AUTOPILOT_WEBHOOK_URL")
      .default("AUTOPILOT_WEBHOOK_URL")
      .describe(
        "The worker secret holding the alert webhook URL (Slack-compatible: POST {text}). Unset: no alerts are sent.",
      ),
  })
  .strict();
export type AutopilotSettings = z.infer<typeof AutopilotSettingsSchema>;
export const DEFAULT_AUTOPILOT_SETTINGS: AutopilotSettings = AutopilotSettingsSchema.parse({});
