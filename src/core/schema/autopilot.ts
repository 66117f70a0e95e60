import * as z from "zod";

/** What the scheduled autopilot does when a rule fires: switch the experiment off and say so, only say so, or nothing. */
const AUTOPILOT_ACTIONS = ["pause", "alert", "off"] as const;
export type AutopilotAction = (typeof AUTOPILOT_ACTIONS)[number];
const AUTOPILOT_RULES = ["srm", "harm", "drift"] as const;
export type AutopilotRule = (typeof AUTOPILOT_RULES)[number];

const Action = z.enum(AUTOPILOT_ACTIONS);

/** Per experiment. Omitted keys take the safe defaults: a broken split pauses, harm and drift only alert. */
export const AutopilotPolicySchema = z
  .object({
    srm: Action.default("pause").describe("Sample-ratio mismatch."),
    harm: Action.default("alert").describe("Primary metric or a guardrail harmed."),
    drift: Action.default("alert").describe("Targets stopped rendering."),
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
      .describe("Visitors the phase needs before SRM and harm are judged."),
    srmP: z.number().gt(0).max(0.05).default(0.001).describe("SRM fires below this p-value."),
    harmAlpha: z.number().gt(0).max(0.2).default(0.05).describe("Level of the always-valid harm interval."),
    harmTuning: z
      .number()
      .int()
      .min(100)
      .max(10_000_000)
      .default(5000)
      .describe("N* of the always-valid interval."),
    driftShare: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe("Drift fires above this share of views missing targets."),
    driftMinViews: z
      .number()
      .int()
      .min(20)
      .max(10_000_000)
      .default(400)
      .describe("Views the drift window needs."),
    driftWindowHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 14)
      .default(24)
      .describe("Drift window, within the phase."),
    webhookVar: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,63}$/, "an environment variable name such as AUTOPILOT_WEBHOOK_URL")
      .default("AUTOPILOT_WEBHOOK_URL")
      .describe("Worker secret holding the alert webhook URL (Slack-compatible)."),
  })
  .strict();
export type AutopilotSettings = z.infer<typeof AutopilotSettingsSchema>;
export const DEFAULT_AUTOPILOT_SETTINGS: AutopilotSettings = AutopilotSettingsSchema.parse({});
