import { z } from "zod";
import { DEVICE_CLASSES } from "./audience.ts";

/**
 * One shape for the queue, the sink, NDJSON archives and reports. Pseudonymous by construction: no IP address,
 * no user agent, no query string, nothing a visitor typed.
 */
export const EventSchema = z
  .object({
    id: z.string().uuid().describe("Idempotency key: a redelivered event is stored once."),
    type: z
      .enum(["exposure", "miss"])
      .describe("exposure: the target rendered. miss: decided, but no target was in the page (sampled)."),
    ts: z.number().int().positive().describe("Milliseconds since the Unix epoch."),
    visitor: z.string().regex(/^[0-9a-f]{32}$/),
    experiment: z.string().max(63),
    variant: z.string().max(63),
    phase: z.number().int().positive(),
    rulesVersion: z.number().int().nonnegative(),
    path: z.string().max(512),
    device: z.enum(DEVICE_CLASSES),
    country: z
      .string()
      .regex(/^[A-Z0-9]{2}$/)
      .optional(),
    source: z.string().max(100).optional(),
  })
  .strict();

export type StylistEvent = z.infer<typeof EventSchema>;
