import { EventSchema, MAX_VALUE } from "../core/schema/event.ts";

/** Counts what an events reader (an NDJSON file, the archive) skipped instead of failing on. */
export interface Skipped {
  valuesOverCap: number;
}

/** True when the only problem with a conversion is a value above the schema's cap: skipped and counted, not fatal. */
export function onlyValueOverCap(json: unknown): boolean {
  if (typeof json !== "object" || json === null || (json as { type?: unknown }).type !== "conversion")
    return false;
  const value = (json as { value?: unknown }).value;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= MAX_VALUE) return false;
  return EventSchema.safeParse({ ...json, value: MAX_VALUE }).success;
}
