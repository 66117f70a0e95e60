import type { ConversionEvent, StylistEvent } from "../../src/core/schema/event.ts";
import { random } from "./archive-events.ts";
import { conversion, exposure, MINUTE } from "./report-events.ts";

export interface EdgeTrafficOptions {
  visitors: number;
  seed: number;
  /** Same-millisecond exposures of one visitor to two arms (ties broken by id in sorted sources). */
  ties?: boolean;
  /** Conversions whose value is above the schema's cap (a reader skips and counts them). */
  overCap?: boolean;
  /**
   * Exposures of one visitor in one arm that disagree on the breakdown fields (another device, country, source,
   * audiences or allocation period), later or — out of order — earlier than the first: the first still decides.
   */
  drift?: boolean;
}

/**
 * Seeded event sets for comparing the report's two computations, built to hit every attribution rule's edges:
 * repeat and same-millisecond exposures, crossovers (one arm first, then another, sometimes before the first in
 * time), three phases and three arms, breakdown fields (device, country or none, source or none, zero to three
 * audiences), conversions before exposure (CUPED lookback and older), exactly at exposure, exactly at and just past a
 * 2-hour window, days later; orders reported twice by the browser and once by the backend (in either order, with
 * other values), the same order under two visitors, an order reported before exposure and again after; conversions
 * without a value and with a zero value; two currencies; conversions of never-exposed visitors; with `ties`, arms
 * whose first visitors arrive in the same millisecond; with `drift`, a visitor's breakdown fields changing between
 * exposures.
 */
export function edgeTraffic(options: EdgeTrafficOptions): StylistEvent[] {
  const next = random(options.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const chance = (p: number) => next() < p;
  const events: StylistEvent[] = [];
  let order = 0;
  const orderReports = (name: string, minute: number, value: number): ConversionEvent[] => {
    const orderId = `O-${options.seed}-${order++}`;
    const reports = [conversion(name, minute, { orderId, value, currency: "GBP", reportedBy: "browser" })];
    if (chance(0.4))
      reports.push(
        conversion(name, minute + pick([-5, 0, 3]), {
          orderId,
          value: value + pick([0, 100]),
          currency: "GBP",
          reportedBy: "server",
        }),
      );
    if (chance(0.2))
      reports.push(
        conversion(name, minute + 1, { orderId, value: value * 2, currency: "GBP", reportedBy: "browser" }),
      );
    // The same order id under another visitor (a shared basket, a forged report).
    if (chance(0.05))
      reports.push(conversion(`${name}-other`, minute + 2, { orderId, value: 1, reportedBy: "browser" }));
    return reports;
  };
  if (options.ties) {
    // The first visitors of two arms arrive in the same millisecond, before anyone else: their ids order the arms.
    for (const experiment of ["hero", "usp"])
      for (const variant of ["promise", "control"])
        events.push(
          exposure(`first-${experiment}-${variant}-${options.seed}`, variant, -100, { experiment }),
        );
  }
  for (let v = 0; v < options.visitors; v++) {
    const name = `e${options.seed}-${v}`;
    const start = Math.floor(next() * 4 * 24 * 60);
    const experiment = pick(["hero", "usp"]);
    const phase = pick([1, 1, 2, 3]);
    const arms = experiment === "usp" ? ["control", "promise", "bold"] : ["control", "promise"];
    const variant = pick(arms);
    const device = pick(["mobile", "desktop", "tablet"] as const);
    const country = chance(0.6) ? pick(["GB", "FR"]) : undefined;
    const source = chance(0.5) ? pick(["google", "newsletter"]) : undefined;
    const segments = chance(0.7)
      ? [...new Set([pick(["keen-runner", "bargain"]), pick(["keen-runner", "returning", "bargain"])])]
      : chance(0.5)
        ? []
        : undefined;
    // A bandit's allocation period on some exposures (kept by D1, the archive and the NDJSON export).
    const period = chance(0.4) ? pick([1, 2, 3]) : undefined;
    const fields = {
      experiment,
      phase,
      device,
      ...(period ? { period } : {}),
      ...(country ? { country } : {}),
      ...(source ? { source } : {}),
      ...(segments ? { segments } : {}),
    };
    const views = 1 + Math.floor(next() * 3);
    for (let i = 0; i < views; i++) events.push(exposure(name, variant, start + i * 5, fields));
    if (chance(0.08)) {
      // A crossover: another arm later, or (out of order) a minute before the first.
      const other = pick(arms.filter((arm) => arm !== variant));
      events.push(exposure(name, other, start + pick([-1, 2, 60]), fields));
    }
    if (options.drift && chance(0.12)) {
      const moved = {
        ...fields,
        device: pick(["mobile", "desktop", "tablet"] as const),
        period: pick([1, 2, 3]),
        ...(chance(0.5) ? { country: pick(["GB", "FR", "DE"]) } : {}),
        ...(chance(0.5) ? { source: pick(["google", "newsletter", "partner"]) } : {}),
        segments: chance(0.3) ? [] : [pick(["keen-runner", "returning", "bargain"])],
      };
      events.push(exposure(name, variant, start + pick([-2, 3, 90]), moved));
    }
    if (options.ties && chance(0.03)) {
      const other = pick(arms.filter((arm) => arm !== variant));
      const tied = exposure(name, other, start, fields);
      events.push(tied);
    }
    if (chance(0.15))
      events.push(exposure(name, variant, start + 1, { ...fields, phase: phase === 1 ? 2 : 1 }));
    if (chance(0.1)) events.push(conversion(name, start - pick([30, 60 * 30, 60 * 24 * 3])));
    if (chance(0.1))
      events.push(...orderReports(name, start - pick([20, 60 * 20]), 500 + Math.floor(next() * 5_000)));
    if (chance(0.3))
      events.push(conversion(name, start + pick([0, 10, 120, 121, 60 * 30]), { goal: "add_to_basket" }));
    if (chance(0.2)) {
      const minute = start + pick([0, 15, 119, 120, 121, 60 * 24 * 2]);
      events.push(...orderReports(name, minute, pick([0, 1_000 + Math.floor(next() * 20_000), 250_000])));
    }
    if (chance(0.05)) events.push(conversion(name, start + 30, { orderId: `free-${v}`, value: 0 }));
    if (chance(0.05)) events.push(conversion(name, start + 31, { value: 700, currency: "EUR" }));
    if (options.overCap && chance(0.02))
      events.push(
        conversion(name, start + 32, { orderId: `huge-${v}`, value: 100_000_000_01, currency: "GBP" }),
      );
  }
  // Conversions of visitors nobody exposed.
  for (let u = 0; u < Math.ceil(options.visitors / 20); u++)
    events.push(
      conversion(`stranger-${options.seed}-${u}`, Math.floor(next() * 4 * 24 * 60), {
        value: 100,
        orderId: `S-${u}`,
      }),
    );
  return events;
}

/** The events in a seeded random order: readers must not depend on the order events arrive in. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const next = random(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

export { MINUTE };
