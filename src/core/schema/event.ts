import * as z from "zod";
import { DEVICE_CLASSES } from "./audience.ts";
import { CurrencySchema } from "./currencies.ts";
import { printableText } from "./printable-text.ts";

/** Who reported a conversion. For one order, a `server` report replaces a `browser` one, never the reverse. */
const REPORTERS = ["page", "browser", "server"] as const;
export type Reporter = (typeof REPORTERS)[number];

/** A catalogue slug, as in the catalogue (src/core/schema/catalogue.ts): no personal data fits in one. */
export const ProductIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,100}$/, "a catalogue product slug");
/** At most this many products on one event: a basket or an order; a bigger one is cut by the sender. */
const MAX_EVENT_PRODUCTS = 50;
export const ProductIdsSchema = z.array(ProductIdSchema).min(1).max(MAX_EVENT_PRODUCTS);

/** The largest conversion value accepted, in minor units (100 million in major units). */
export const MAX_VALUE = 100_000_000_00;

/**
 * One shape for the queue, the sink, NDJSON archives and `stylist report --events`. Pseudonymous by construction:
 * no IP address, no user agent, no query string, nothing a visitor typed.
 */
const common = {
  id: z.uuid().describe("Idempotency key: a redelivered event is stored once."),
  ts: z.number().int().positive().describe("Milliseconds since the Unix epoch."),
  visitor: z.string().regex(/^[0-9a-f]{32}$/),
  path: printableText(512),
  device: z.enum(DEVICE_CLASSES),
  country: z
    .string()
    .regex(/^[A-Z0-9]{2}$/)
    .optional(),
  source: printableText(100).optional(),
};

const assignment = {
  experiment: printableText(63),
  variant: printableText(63),
  phase: z.number().int().positive(),
  /** A bandit's allocation period the visitor was assigned in (docs/autopilot.md); absent for a fixed split. */
  period: z.number().int().positive().optional(),
  rulesVersion: z.number().int().nonnegative(),
  /** Ids of the named audiences the visitor was in, for breakdowns. */
  segments: z.array(printableText(63)).max(20).optional(),
};

const ExposureEventSchema = z
  .object({
    type: z.literal("exposure").describe("The experiment's target rendered in this arm."),
    ...common,
    ...assignment,
  })
  .strict();

const MissEventSchema = z
  .object({
    type: z.literal("miss").describe("Decided, but no target was in the page (sampled)."),
    ...common,
    ...assignment,
  })
  .strict();

const ConversionEventSchema = z
  .object({
    type: z.literal("conversion"),
    ...common,
    // A shop's backend reporting an order does not know the device.
    device: z.enum(DEVICE_CLASSES).optional(),
    goal: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
    value: z
      .number()
      .int()
      .min(0)
      .max(MAX_VALUE)
      .optional()
      .describe("Revenue in minor units (pence, cents)."),
    currency: CurrencySchema.optional(),
    orderId: printableText(100)
      .min(1)
      .optional()
      .describe("An order counts once, however often it is reported."),
    reportedBy: z
      .enum(REPORTERS)
      .optional()
      .describe(
        "Who reported it: the worker (a URL goal), the visitor's browser, or the shop's signed backend, which wins for an order.",
      ),
    products: ProductIdsSchema.optional().describe(
      "Catalogue slugs the conversion is about: the product page viewed, the products added or bought. Signals for recommendations.",
    ),
  })
  .strict();

export const EventSchema = z.discriminatedUnion("type", [
  ExposureEventSchema,
  MissEventSchema,
  ConversionEventSchema,
]);

export type StylistEvent = z.infer<typeof EventSchema>;

/** Most events a page view packs into one queue message (a page with more sends more than one). */
export const MAX_EVENTS_PER_MESSAGE = 100;

/**
 * What the worker puts on the queue: a page view's events packed into one message, since Queues bills and delivers
 * per message and a page with ten experiments has ten exposures. The storefront endpoints send single events; the
 * consumer takes both. Each event is still validated on its own, so one bad event loses no other.
 */
export interface EventPack {
  events: StylistEvent[];
}
export type QueueBody = StylistEvent | EventPack;
export type ExposureEvent = z.infer<typeof ExposureEventSchema>;
export type MissEvent = z.infer<typeof MissEventSchema>;
export type ConversionEvent = z.infer<typeof ConversionEventSchema>;
export type AssignmentEvent = ExposureEvent | MissEvent;
