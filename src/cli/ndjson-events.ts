import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { EventSchema, type StylistEvent } from "../core/schema/event.ts";
import { firstIssue } from "../core/schema/zod-issue.ts";
import type { OrderWinners } from "../report/order-winners.ts";
import { CLIError, EXIT } from "./errors.ts";
import { onlyValueOverCap, type Skipped } from "./skipped-events.ts";

/**
 * Reads an NDJSON file line by line. Every line is parsed and validated on the exposures pass, so a bad line
 * fails the report with its number before anything is printed; the conversions pass re-reads the file and parses
 * only lines that can hold a conversion.
 */

async function* readNdjson(
  file: string,
  pass: "exposures" | "conversions",
  skipped: Skipped,
  orders: OrderWinners,
): AsyncGenerator<StylistEvent> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  for await (const raw of lines) {
    number++;
    const line = number === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    if (line.trim() === "") continue;
    if (pass === "conversions" && !line.includes("conversion") && !line.includes("\\u")) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new CLIError(`${file}:${number}: not JSON: ${(error as Error).message}`, EXIT.invalid);
    }
    const parsed = EventSchema.safeParse(json);
    if (!parsed.success && onlyValueOverCap(json)) {
      // One absurd value (a unit mistake, a test order) must not cost the whole report: skip it and say so.
      if (pass === "exposures") skipped.valuesOverCap++;
      continue;
    }
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      throw new CLIError(
        `${file}:${number}: not a Stylist event: ${issue.path}: ${issue.message}`,
        EXIT.invalid,
      );
    }
    const event = parsed.data;
    // The first pass sees every report of every order, so the second can count each order's winning one.
    if (pass === "exposures" && event.type === "conversion") orders.offer(event);
    if ((event.type === "conversion") === (pass === "conversions")) yield event;
  }
}

/** Exposures first, then conversions: the aggregator's ordering contract, whatever order the file is in. */
export async function* fileEvents(
  file: string,
  skipped: Skipped,
  orders: OrderWinners,
): AsyncGenerator<StylistEvent> {
  yield* readNdjson(file, "exposures", skipped, orders);
  yield* readNdjson(file, "conversions", skipped, orders);
}
