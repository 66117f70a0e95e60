import * as z from "zod";
import { PagePattern } from "./audience.ts";

/** Built in: reported by the storefront (browser or, better, its backend) with revenue and an order id. */
export const PURCHASE = "purchase";

const GOAL_DIRECTIONS = ["increase", "decrease"] as const;
export type GoalDirection = (typeof GOAL_DIRECTIONS)[number];
/** The built-in purchase goal is good when it goes up. */
export const PURCHASE_DIRECTION: GoalDirection = "increase";

export const GoalSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "a goal id such as add_to_basket"),
    description: z.string().max(200).optional(),
    direction: z
      .enum(GOAL_DIRECTIONS)
      .optional()
      .describe(
        'Which way is better: "increase" (sign-ups) or "decrease" (refunds). Required for a goal used as a guardrail.',
      ),
    pages: z
      .array(PagePattern)
      .min(1)
      .max(50)
      .optional()
      .describe(
        "A URL goal: reached when the visitor loads one of these pages. Without pages: an event goal.",
      ),
  })
  .strict();
