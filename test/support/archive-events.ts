import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StylistEvent } from "../../src/core/schema/event.ts";
import { archiveRowOf, partitionOf } from "../../src/sink/archive-row.ts";
import { parquetOf } from "../../src/sink/parquet-file.ts";
import { conversion, DAY, exposure, MINUTE, T0 } from "./report-events.ts";

/** A small deterministic PRNG (mulberry32), so a failing comparison can be rerun with the same events. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Traffic shaped like a shop's over three days and two experiments: repeat exposures, crossovers, misses, conversions
 * before exposure, repeated orders, revenue, several goals, phases 1 and 2, devices and segments.
 */
export function generatedTraffic(visitors: number, seed = 1): StylistEvent[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const events: StylistEvent[] = [];
  for (let v = 0; v < visitors; v++) {
    const name = `v${v}`;
    const start = Math.floor(next() * 3 * 24 * 60);
    const experiment = pick(["hero", "usp"]);
    const phase = next() < 0.2 ? 2 : 1;
    const variant = pick(["control", "promise"]);
    const device = pick(["mobile", "desktop", "tablet"] as const);
    const views = 1 + Math.floor(next() * 4);
    for (let i = 0; i < views; i++) {
      const crossover = next() < 0.02;
      events.push(
        exposure(name, crossover ? (variant === "control" ? "promise" : "control") : variant, start + i * 7, {
          experiment,
          phase,
          device,
          ...(next() < 0.3 ? { segments: ["keen-runner"] } : {}),
          ...(next() < 0.5 ? { country: "GB" } : {}),
        }),
      );
    }
    if (next() < 0.05)
      events.push({ ...exposure(name, variant, start + 3, { experiment, phase }), type: "miss" });
    if (next() < 0.05) events.push(conversion(name, start - 30));
    if (next() < 0.3) events.push(conversion(name, start + 20, { goal: "add_to_basket" }));
    if (next() < 0.15) {
      const order = { orderId: `FS-${v}`, value: 1_000 + Math.floor(next() * 20_000), currency: "GBP" };
      events.push(conversion(name, start + 40, order));
      // The same order reported twice (browser and backend): counts once.
      if (next() < 0.3) events.push(conversion(name, start + 40, order));
    }
  }
  return events;
}

/** Writes events as the R2 sink would, a batch at a time, each batch redelivered with probability `redeliver`. */
export function writeArchive(
  dir: string,
  events: readonly StylistEvent[],
  batch = 250,
  redeliver = 0.1,
): string[] {
  const next = random(99);
  const keys: string[] = [];
  let part = 0;
  const write = (slice: readonly StylistEvent[]) => {
    const groups = new Map<string, StylistEvent[]>();
    for (const event of slice) {
      const prefix = partitionOf(event.ts, event.type);
      groups.set(prefix, [...(groups.get(prefix) ?? []), event]);
    }
    for (const [prefix, group] of groups) {
      const key = `${prefix}part-${T0 + part++}-${String(part).padStart(8, "0")}.parquet`;
      mkdirSync(join(dir, prefix), { recursive: true });
      writeFileSync(join(dir, key), parquetOf(group.map(archiveRowOf)));
      keys.push(key);
    }
  };
  for (let start = 0; start < events.length; start += batch) {
    const slice = events.slice(start, start + batch);
    write(slice);
    if (next() < redeliver) write(slice);
  }
  return keys;
}

export { DAY, MINUTE, T0 };
