import type { ConversionEvent, ExposureEvent, MissEvent } from "../../src/core/schema/event.ts";
import { type ExperimentInput, ExperimentSchema } from "../../src/core/schema/experiment.ts";

/** Hand-written events for report tests: readable visitor names become valid ids, times are minutes from t0. */
const T0 = Date.UTC(2026, 0, 5, 9);
const MINUTE = 60_000;
export const DAY = 86_400_000;

let counter = 0;
const uuid = () => `00000000-0000-4000-8000-${(++counter).toString(16).padStart(12, "0")}`;
const visitorId = (name: string) => Buffer.from(name).toString("hex").padEnd(32, "0").slice(0, 32);

export function exposure(
  visitor: string,
  variant: string,
  minute = 0,
  extra: Partial<ExposureEvent> = {},
): ExposureEvent {
  return {
    id: uuid(),
    type: "exposure",
    ts: T0 + minute * MINUTE,
    visitor: visitorId(visitor),
    path: "/",
    device: "mobile",
    experiment: "hero",
    variant,
    phase: 1,
    rulesVersion: 1,
    ...extra,
  };
}

export function miss(visitor: string, variant: string, minute = 0): MissEvent {
  return { ...exposure(visitor, variant, minute), type: "miss" };
}

export function conversion(
  visitor: string,
  minute: number,
  extra: Partial<ConversionEvent> = {},
): ConversionEvent {
  return {
    id: uuid(),
    type: "conversion",
    ts: T0 + minute * MINUTE,
    visitor: visitorId(visitor),
    path: "/checkout/done",
    device: "mobile",
    goal: "purchase",
    ...extra,
  };
}

/** A 50/50 hero test with a plan, overridable. */
export function heroRules(overrides: Partial<ExperimentInput> = {}) {
  return ExperimentSchema.parse({
    id: "hero",
    hypothesis: "A concrete delivery promise in the hero lifts purchases",
    status: "running",
    pages: ["/"],
    variants: [
      { id: "control", weight: 50 },
      { id: "promise", weight: 50, ops: [{ op: "setText", selector: "#hero h1", value: "Tomorrow" }] },
    ],
    metrics: { primary: "purchase" },
    ...overrides,
  });
}
