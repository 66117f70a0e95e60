import type { ConversionEvent } from "../src/core/schema/event.ts";
import { createRng, type Rng } from "./storefront/prng.ts";

/**
 * Seeded, plausible browsing and buying for a catalogue: what `stylist recommend build` learns from in the demo, and
 * the planted structure its tests check it recovers. Each product has companions (what people look at and buy with
 * it: socks with shoes, a sleeping mat with a tent); a session starts on a product, more often a popular one, views
 * most of its companions and a few other products of its category, sometimes adds to the basket and sometimes buys
 * the product with a companion. Events are conversions naming products, exactly as the worker and the shop's
 * backend record them (docs/events.md), with no personal data: random visitor ids.
 */
export interface HistoryProduct {
  slug: string;
  category: string;
}

export interface HistoryOptions {
  seed: string;
  /** The newest session starts no later than this. */
  now: number;
  days: number;
  visitors: number;
  /** Product slug → the products that go with it. */
  companions: ReadonlyMap<string, readonly string[]>;
  /** Chance a session views each companion of its first product. */
  companionViewRate?: number;
  /** Chance a session ends in an order. */
  purchaseRate?: number;
  /** Products are given in popularity order, best first (else a seeded order). */
  rankByOrder?: boolean;
}

const hex = (rng: Rng, length: number) => Array.from({ length }, () => rng.int(0, 15).toString(16)).join("");

/** A version-4-shaped UUID from the seeded generator, so the same seed gives the same events. */
function uuid(rng: Rng): string {
  const h = hex(rng, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function syntheticHistory(
  products: readonly HistoryProduct[],
  options: HistoryOptions,
): ConversionEvent[] {
  const rng = createRng(options.seed);
  const companionViewRate = options.companionViewRate ?? 0.7;
  const purchaseRate = options.purchaseRate ?? 0.15;
  const byCategory = new Map<string, HistoryProduct[]>();
  for (const product of products)
    byCategory.set(product.category, [...(byCategory.get(product.category) ?? []), product]);
  // Popularity falls off with rank (Zipf-like), in a seeded order, so some products are bestsellers.
  const ranked = options.rankByOrder ? [...products] : rng.sample(products, products.length);
  const weights = ranked.map((_, rank) => 1 / (rank + 1) ** 0.8);
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const popular = (): HistoryProduct => {
    let pick = rng.next() * totalWeight;
    for (let i = 0; i < ranked.length; i++) {
      pick -= weights[i] as number;
      if (pick <= 0) return ranked[i] as HistoryProduct;
    }
    return ranked[0] as HistoryProduct;
  };
  const events: ConversionEvent[] = [];
  const event = (
    visitor: string,
    ts: number,
    goal: string,
    slugs: string[],
    extra: Partial<ConversionEvent> = {},
  ) =>
    events.push({
      id: uuid(rng),
      type: "conversion",
      ts,
      visitor,
      goal,
      path: goal === "pdp_view" ? `/products/${slugs[0]}` : goal === "purchase" ? "/checkout" : "/basket",
      device: rng.next() < 0.6 ? "mobile" : "desktop",
      reportedBy: goal === "pdp_view" ? "page" : "server",
      products: slugs,
      ...extra,
    });
  for (let v = 0; v < options.visitors; v++) {
    const visitor = hex(rng, 32);
    const sessions = rng.int(1, 3);
    for (let s = 0; s < sessions; s++) {
      let ts = options.now - Math.floor(rng.next() * options.days * 86_400_000);
      const first = popular();
      const viewed = [first.slug];
      for (const companion of options.companions.get(first.slug) ?? [])
        if (rng.next() < companionViewRate) viewed.push(companion);
      for (const other of rng.sample(byCategory.get(first.category) ?? [], rng.int(0, 2)))
        if (!viewed.includes(other.slug)) viewed.push(other.slug);
      for (const slug of viewed) {
        event(visitor, ts, "pdp_view", [slug]);
        ts += rng.int(20, 120) * 1_000;
      }
      if (rng.next() < 0.3) event(visitor, ts, "add_to_basket", [first.slug]);
      if (rng.next() < purchaseRate) {
        const bought = [first.slug, ...viewed.slice(1).filter(() => rng.next() < 0.5)];
        ts += 60_000;
        event(visitor, ts, "purchase", bought, {
          orderId: `SIM-${hex(rng, 10)}`,
          value: 1_000 * bought.length,
          currency: "GBP",
        });
      }
    }
  }
  return events.sort((a, b) => a.ts - b.ts);
}
