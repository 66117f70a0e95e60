import * as z from "zod";
import { AllocationSchema } from "./allocation.ts";
import { ConditionSchema, PagePattern } from "./audience.ts";
import { AutopilotPolicySchema } from "./autopilot.ts";
import { checkExperiment } from "./experiment-checks.ts";
import { LIMITS, OpSchema, SelectorSchema } from "./ops.ts";
import { PlanSchema } from "./plan.ts";

export const CONTROL = "control";
/** The arm id logged for visitors held back from an experiment (or from all personalisation). */
export const HOLDOUT = "holdout";

const Slug = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    "lower-case letters, digits and dashes, starting with a letter or digit",
  );

const MetricName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "a goal id such as purchase or pdp_view");
const Share = (max: number) => z.number().min(0).max(max);

const VariantSchema = z
  .object({
    id: Slug.refine((id) => id !== HOLDOUT, `"${HOLDOUT}" is reserved for held-back visitors`),
    weight: z.number().min(0).max(100).describe("Relative share of the experiment's traffic."),
    ops: z.array(OpSchema).max(LIMITS.opsPerVariant).default([]),
  })
  .strict();

const STATUSES = ["draft", "running", "paused", "stopped", "rolled-out"] as const;

export const ExperimentSchema = z
  .object({
    id: Slug.describe("Stable id; it seeds bucketing, so renaming it reshuffles every visitor."),
    name: z.string().max(200).optional(),
    hypothesis: z
      .string()
      .min(20, "state the hypothesis: who, which signal, what change, and what it should move")
      .max(2_000),
    status: z
      .enum(STATUSES)
      .describe(
        "running: the test is live. rolled-out: the `rollout` variant for everyone but the holdout. " +
          "draft, paused, stopped: the control for everyone and nothing logged (previews still work).",
      ),
    schedule: z
      .object({
        start: z.iso.datetime().optional().describe("UTC; served from this time."),
        end: z.iso.datetime().optional().describe("UTC; no longer served from this time."),
      })
      .strict()
      .optional(),
    plannedDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .optional()
      .describe("How long the test is planned to run; `stylist review` flags it when it runs longer."),
    plan: PlanSchema.optional().describe(
      "Planned sample size and run; `stylist report` calls no winner before it is met.",
    ),
    pages: z.array(PagePattern).min(1).max(50),
    audience: ConditionSchema.optional().describe("Who is eligible. Omitted: every visitor on the pages."),
    coverage: Share(1)
      .refine((share) => share > 0, "coverage must be above 0; pause the experiment instead")
      .default(1)
      .describe("Share of eligible visitors in the experiment. Raising it never moves anyone already in."),
    holdout: Share(0.5)
      .default(0)
      .describe("Share of eligible visitors kept on the control and logged as the holdout arm."),
    rollout: Slug.optional().describe(
      "With status rolled-out: the winning variant everyone but the holdout gets.",
    ),
    layer: z
      .object({
        id: Slug.describe("Experiments in one layer split its traffic: no visitor is in two of them."),
        start: Share(1),
        end: Share(1),
      })
      .strict()
      .optional(),
    allowOverlap: z
      .boolean()
      .default(false)
      .describe("Allow editing the same selector on the same page as an experiment in another layer."),
    seed: z.string().min(1).max(100).optional().describe("Bucketing seed; defaults to the id."),
    target: SelectorSchema.optional().describe(
      "Selector whose presence in the page counts as an exposure, in every arm. Defaults to the variants' selectors.",
    ),
    variants: z.array(VariantSchema).min(2).max(10),
    metrics: z
      .object({
        primary: MetricName,
        secondary: z.array(MetricName).max(10).default([]),
        guardrails: z.array(MetricName).max(10).default([]),
      })
      .strict(),
    allocation: AllocationSchema.optional().describe(
      "Adaptive allocation: the autopilot reweights the variants, the control keeps a fixed share.",
    ),
    autopilot: AutopilotPolicySchema.optional().describe("Scheduled autopilot per rule (docs/autopilot.md)."),
  })
  .strict()
  .superRefine(checkExperiment);

export type Experiment = z.infer<typeof ExperimentSchema>;
export type ExperimentInput = z.input<typeof ExperimentSchema>;
export type Variant = z.infer<typeof VariantSchema>;
