import { z } from "zod";
import { ConditionSchema, PagePattern } from "./audience.ts";
import { LIMITS, OpSchema, SelectorSchema } from "./ops.ts";

export const CONTROL = "control";

const Slug = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    "lower-case letters, digits and dashes, starting with a letter or digit",
  );

const MetricName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "a goal id such as purchase or pdp_view");

export const VariantSchema = z
  .object({
    id: Slug,
    weight: z.number().min(0).max(100).describe("Relative share of the experiment's traffic."),
    ops: z.array(OpSchema).max(LIMITS.opsPerVariant).default([]),
  })
  .strict();

export const ExperimentSchema = z
  .object({
    id: Slug.describe("Stable id; it seeds bucketing, so renaming it reshuffles every visitor."),
    name: z.string().max(200).optional(),
    hypothesis: z
      .string()
      .min(20, "state the hypothesis: who, which signal, what change, and what it should move")
      .max(2_000),
    status: z
      .enum(["draft", "running", "paused", "stopped"])
      .describe("Only running experiments are served; all others serve the control and log nothing."),
    pages: z.array(PagePattern).min(1).max(50),
    audience: ConditionSchema.optional().describe("Who is eligible. Omitted: every visitor on the pages."),
    coverage: z
      .number()
      .gt(0)
      .max(1)
      .default(1)
      .describe("Share of eligible visitors in the experiment. Raising it never moves anyone already in."),
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
  })
  .strict()
  .superRefine((experiment, ctx) => {
    const control = experiment.variants.findIndex((variant) => variant.id === CONTROL);
    if (control === -1) {
      ctx.addIssue({
        code: "custom",
        path: ["variants"],
        message: `every experiment needs a variant with id "${CONTROL}": a personalisation is only judged against one`,
      });
    } else if ((experiment.variants[control]?.ops.length ?? 0) > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["variants", control, "ops"],
        message: "the control serves the origin page unchanged, so it has no ops",
      });
    }
    const seen = new Set<string>();
    experiment.variants.forEach((variant, index) => {
      if (seen.has(variant.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["variants", index, "id"],
          message: `duplicate variant id "${variant.id}"`,
        });
      }
      seen.add(variant.id);
      if (variant.id !== CONTROL && variant.ops.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["variants", index, "ops"],
          message: "a variant without ops is a second control; give it at least one op",
        });
      }
    });
    if (experiment.variants.every((variant) => variant.weight === 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["variants"],
        message: "at least one variant needs a weight above 0",
      });
    }
  });

export type Experiment = z.infer<typeof ExperimentSchema>;
export type ExperimentInput = z.input<typeof ExperimentSchema>;
export type Variant = z.infer<typeof VariantSchema>;
