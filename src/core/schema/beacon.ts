import * as z from "zod";
import { CurrencySchema } from "./currencies.ts";
import { ProductIdsSchema } from "./event.ts";
import { printableText } from "./printable-text.ts";

/** What `POST /_stylist/event` accepts from the storefront's pages. The visitor comes from their signed cookie. */
export const MAX_EVENT_BODY_BYTES = 4_096;

const goal = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "a goal id such as add_to_basket");
const money = {
  value: z
    .number()
    .int("value is in minor units (pence), a whole number")
    .min(0)
    .max(100_000_000_00)
    .optional(),
  currency: CurrencySchema.optional(),
  orderId: printableText(100).min(1).optional(),
  products: ProductIdsSchema.optional().describe("Catalogue slugs added or bought, for recommendations."),
};

function valueNeedsCurrency(
  event: { value?: number | undefined; currency?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (event.value !== undefined && event.currency === undefined) {
    ctx.addIssue({ code: "custom", path: ["currency"], message: "a value needs its currency" });
  }
}

export const BrowserEventSchema = z
  .object({
    id: z.uuid().optional().describe("Lets the page retry without double-counting."),
    goal,
    ...money,
  })
  .strict()
  .superRefine(valueNeedsCurrency);

/**
 * What the shop's backend sends to `POST /_stylist/event/server`, signed: the revenue source of truth. The backend
 * reads the visitor id from the first-party `stylist_vid` cookie it receives with the order.
 */
export const ServerEventSchema = z
  .object({
    visitor: z.string().regex(/^[0-9a-f]{32}$/, "the 32-character visitor id from the stylist_vid cookie"),
    id: z.uuid().optional(),
    goal,
    ...money,
    ts: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("When it happened, ms since the epoch; default: now."),
    path: printableText(512).startsWith("/").optional(),
  })
  .strict()
  .superRefine(valueNeedsCurrency)
  .refine((event) => event.id !== undefined || event.orderId !== undefined, {
    path: ["id"],
    message: "a server event carries an id or an orderId, so a replayed request counts once",
  });
