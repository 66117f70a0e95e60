import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { StylistEvent } from "../../src/core/schema/event.ts";

/**
 * Seeded synthetic traffic for the report tests: visitors exposed to one experiment, each arm with a true
 * conversion rate and a true mean order value, so a test knows the effect the report should find.
 */
export interface SimulatedArm {
  id: string;
  weight: number;
  /** True probability that a visitor buys. */
  rate: number;
  /** True mean order value in minor units (Gamma with shape 2). */
  meanValue: number;
}

export interface Simulation {
  seed: number;
  visitors: number;
  arms: readonly SimulatedArm[];
  experiment?: string;
  phase?: number;
  /** First exposures are spread evenly over this many days from `start`. */
  days?: number;
  start?: number;
}

/** mulberry32: a small, fast, seedable 32-bit generator; plenty for simulation. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const hex = (value: number, width: number) => value.toString(16).padStart(width, "0");
const DEVICES = ["mobile", "desktop", "tablet"] as const;
const COUNTRIES = ["GB", "DE", "FR", "US"] as const;
const SIMULATION_START = Date.UTC(2026, 0, 5);

function pickArm(arms: readonly SimulatedArm[], position: number): SimulatedArm {
  let rest = position;
  for (const arm of arms) {
    rest -= arm.weight;
    if (rest < 0) return arm;
  }
  return arms.at(-1) as SimulatedArm;
}

/** Each visitor's exposure and (maybe) purchase, visitor by visitor; the purchase is 1 min to 2 h after. */
export function* simulateVisitors(
  sim: Simulation,
): Generator<{ exposure: StylistEvent; purchase?: StylistEvent }> {
  const next = random(sim.seed);
  const totalWeight = sim.arms.reduce((sum, arm) => sum + arm.weight, 0);
  const span = (sim.days ?? 14) * 86_400_000;
  const start = sim.start ?? SIMULATION_START;
  const seedHex = hex(sim.seed >>> 0, 8);
  let events = 0;
  const id = () => `${seedHex}-0000-4000-8000-${hex(events++, 12)}`;
  for (let i = 0; i < sim.visitors; i++) {
    const arm = pickArm(sim.arms, next() * totalWeight);
    const visitor = `${seedHex}${hex(i, 24)}`;
    const ts = start + Math.floor((i / sim.visitors) * span);
    const device = DEVICES[Math.floor(next() * 3)] ?? "mobile";
    const country = COUNTRIES[Math.floor(next() * 4)] ?? "GB";
    const exposure: StylistEvent = {
      id: id(),
      type: "exposure",
      ts,
      visitor,
      path: "/",
      device,
      country,
      experiment: sim.experiment ?? "hero",
      variant: arm.id,
      phase: sim.phase ?? 1,
      rulesVersion: 1,
    };
    if (next() >= arm.rate) {
      yield { exposure };
      continue;
    }
    const value = Math.round((-Math.log(1 - next()) - Math.log(1 - next())) * (arm.meanValue / 2));
    const purchase: StylistEvent = {
      id: id(),
      type: "conversion",
      ts: ts + 60_000 + Math.floor(next() * 7_200_000),
      visitor,
      path: "/checkout/done",
      device,
      country,
      goal: "purchase",
      value,
      currency: "GBP",
      orderId: `o-${seedHex}-${i}`,
    };
    yield { exposure, purchase };
  }
}

/** The events of a simulation, every exposure first, then every conversion (the aggregator's contract). */
export function simulateEvents(sim: Simulation): StylistEvent[] {
  const exposures: StylistEvent[] = [];
  const conversions: StylistEvent[] = [];
  for (const { exposure, purchase } of simulateVisitors(sim)) {
    exposures.push(exposure);
    if (purchase) conversions.push(purchase);
  }
  return [...exposures, ...conversions];
}

/** Writes a simulation as NDJSON, visitor by visitor (as a queue archive roughly would be). Returns the line count. */
export async function writeSimulation(path: string, sim: Simulation): Promise<number> {
  const out = createWriteStream(path);
  let lines = 0;
  let chunk = "";
  for (const { exposure, purchase } of simulateVisitors(sim)) {
    chunk += `${JSON.stringify(exposure)}\n`;
    lines++;
    if (purchase) {
      chunk += `${JSON.stringify(purchase)}\n`;
      lines++;
    }
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
  return lines;
}
