import type { Catalogue, CatalogueProduct } from "../schema/catalogue.ts";
import type { Behaviour } from "../visitor/profile.ts";

export interface CatalogueIndex {
  bySlug: Map<string, CatalogueProduct>;
  byCategory: Map<string, CatalogueProduct[]>;
}

export const EMPTY_CATALOGUE: CatalogueIndex = { bySlug: new Map(), byCategory: new Map() };

export function indexCatalogue(catalogue: Catalogue): CatalogueIndex {
  const bySlug = new Map<string, CatalogueProduct>();
  const byCategory = new Map<string, CatalogueProduct[]>();
  for (const product of catalogue.products) {
    bySlug.set(product.slug, product);
    const list = byCategory.get(product.category);
    if (list) list.push(product);
    else byCategory.set(product.category, [product]);
  }
  return { bySlug, byCategory };
}

/** Recently viewed products still in the catalogue, newest first, without the one on screen. */
export function recentlyViewed(
  index: CatalogueIndex,
  recent: readonly string[],
  current: string | undefined,
  limit: number,
) {
  return recent
    .filter((slug) => slug !== current)
    .flatMap((slug) => index.bySlug.get(slug) ?? [])
    .slice(0, limit);
}

/** The category viewed most in the last 30 days (the latest on a tie), and products from it not seen lately. */
export function moreFromCategory(
  index: CatalogueIndex,
  behaviour: Behaviour,
  recent: readonly string[],
  current: string | undefined,
  limit: number,
): CatalogueProduct[] {
  let best: { category: string; views: number; last: number } | undefined;
  for (const [category, days] of Object.entries(behaviour.categories)) {
    const views = days.filter((day) => behaviour.today - day < 30).length;
    const last = days.at(-1) ?? 0;
    if (views > 0 && (!best || views > best.views || (views === best.views && last > best.last))) {
      best = { category, views, last };
    }
  }
  if (!best) return [];
  const skip = new Set([...recent, ...(current ? [current] : [])]);
  return (index.byCategory.get(best.category) ?? [])
    .filter((product) => !skip.has(product.slug))
    .slice(0, limit);
}
