import * as z from "zod";

/** The sample size and run length an experiment is planned for; the report says "too early" until both are met. */
export const PlanSchema = z
  .object({
    baselineRate: z
      .number()
      .gt(0)
      .lt(1)
      .describe("Expected conversion rate of the control on the primary metric."),
    minimumEffect: z
      .number()
      .gt(0)
      .describe("Smallest lift worth detecting: relative (0.1 = +10%) unless relative is false."),
    relative: z.boolean().default(true),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    power: z.number().gt(0.5).lt(1).default(0.8),
    minimumDays: z.number().int().min(7).max(365).default(14).describe("Rounded up to whole weeks."),
    minimumConversions: z.number().int().min(1).default(100).describe("Per arm, on the primary metric."),
  })
  .strict();

export type Plan = z.infer<typeof PlanSchema>;
