import * as z from "zod";

/** `every`: a whole number of minutes, hours or days; the autopilot's 15-minute tick is the finest it can honour. */
const EVERY = /^([1-9]\d{0,3})(min|h|d)$/;
const UNIT_MS = { min: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of an `every` the schema accepted. */
export function everyMs(every: string): number {
  const match = EVERY.exec(every);
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : Number.NaN;
}

/**
 * Adaptive allocation (docs/autopilot.md#adaptive-allocation): at each reweight the autopilot sets the non-control
 * variants' weights by Thompson sampling on `metric`, keeps `control` of the traffic for the control, and gives no
 * variant less than `floor`. Each reweight is a new allocation period inside the phase.
 */
export const AllocationSchema = z
  .object({
    mode: z.literal("bandit"),
    metric: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "a goal id such as purchase")
      .describe("The goal whose conversion rate the bandit maximises; one of the experiment's metrics."),
    every: z
      .string()
      .regex(EVERY, "a period such as 30min, 6h or 1d")
      .default("6h")
      .describe("How often the weights are set again."),
    burnIn: z
      .number()
      .int()
      .min(10)
      .max(1_000_000)
      .default(200)
      .describe("Visitors every arm needs before the first reweight; until then the variants' own weights."),
    floor: z.number().min(0).max(0.2).default(0.01).describe("Least share of traffic any variant keeps."),
    control: z
      .number()
      .min(0.05)
      .max(0.9)
      .default(0.2)
      .describe(
        "Fixed share of traffic the control keeps in every period, so every arm is judged against it.",
      ),
  })
  .strict();
