import type { CatalogueProduct } from "../schema/catalogue.ts";
import type { RecItem, RecSource } from "../schema/recommendations.ts";
import type { CatalogueIndex } from "./catalogue-index.ts";

/** The active recommendation table, as far as one page view needs it: the lists of the products it asked for. */
export interface RecommendationTable {
  version: number;
  /** Lists by product slug; a product missing here has none in the table (new since the build). */
  lists: ReadonlyMap<string, readonly RecItem[]>;
  bestsellers: readonly RecItem[];
}

/** Reads the lists of these products from the active table, or undefined when there is no usable table. */
export type LoadRecommendations = (products: readonly string[]) => Promise<RecommendationTable | undefined>;

export interface Recommended {
  product: CatalogueProduct;
  score: number;
  source: RecSource;
  /** The product it was recommended for: the one on the page, or one the visitor viewed. */
  because: string | undefined;
}

/** How many products `forYou` draws on: the newest matter most. */
export const FOR_YOU_ANCHORS = 5;

/** What `forYou` draws on, in order: recently viewed products, then products bought. */
export function forYouAnchors(recent: readonly string[], bought: readonly string[]): string[] {
  return [...new Set([...recent, ...bought])].slice(0, FOR_YOU_ANCHORS);
}

function usable(
  index: CatalogueIndex,
  slug: string,
  skip: ReadonlySet<string>,
): CatalogueProduct | undefined {
  if (skip.has(slug)) return undefined;
  const product = index.bySlug.get(slug);
  return product && product.inStock !== false ? product : undefined;
}

/**
 * Products that go with the one on the page: its list in the table (learnt neighbours, then the fallbacks the build
 * added), or the bestsellers for a product the table does not know; filtered again at render time against the
 * catalogue now in KV (still there, in stock) and what the visitor has (the product itself, `skip`).
 */
export function relatedTo(
  table: RecommendationTable,
  index: CatalogueIndex,
  current: string | undefined,
  skip: ReadonlySet<string>,
  limit: number,
): Recommended[] {
  if (current === undefined) return [];
  const items = table.lists.get(current) ?? table.bestsellers;
  const excluded = new Set([...skip, current]);
  const chosen: Recommended[] = [];
  for (const item of items) {
    if (chosen.length >= limit) break;
    const product = usable(index, item.slug, excluded);
    if (!product) continue;
    excluded.add(item.slug);
    chosen.push({ product, score: item.score, source: item.source, because: current });
  }
  return chosen;
}

/**
 * Products that go with what the visitor viewed lately and bought (`anchors`, forYouAnchors): their lists merged,
 * the earlier an anchor the more its list counts (1, 1/2, 1/3…), each item credited to the anchor that contributed
 * most to it; never an anchor itself nor anything in `skip`. With no anchor yet, the bestsellers.
 */
export function forYou(
  table: RecommendationTable,
  index: CatalogueIndex,
  anchors: readonly string[],
  skip: ReadonlySet<string>,
  limit: number,
): Recommended[] {
  const excluded = new Set([...skip, ...anchors]);
  const merged = new Map<string, { score: number; best: number; because: string; source: RecSource }>();
  anchors.forEach((anchor, rank) => {
    for (const item of table.lists.get(anchor) ?? []) {
      const contribution = item.score / (rank + 1);
      const entry = merged.get(item.slug);
      if (!entry)
        merged.set(item.slug, {
          score: contribution,
          best: contribution,
          because: anchor,
          source: item.source,
        });
      else {
        entry.score += contribution;
        if (contribution > entry.best)
          Object.assign(entry, { best: contribution, because: anchor, source: item.source });
      }
    }
  });
  const ranked =
    merged.size > 0
      ? [...merged].sort((x, y) => y[1].score - x[1].score || x[0].localeCompare(y[0]))
      : table.bestsellers.map(
          (item) => [item.slug, { score: item.score, because: undefined, source: item.source }] as const,
        );
  const chosen: Recommended[] = [];
  for (const [slug, entry] of ranked) {
    if (chosen.length >= limit) break;
    const product = usable(index, slug, excluded);
    if (!product) continue;
    excluded.add(slug);
    chosen.push({
      product,
      score: Math.round(entry.score * 10_000) / 10_000,
      source: entry.source,
      because: entry.because,
    });
  }
  return chosen;
}
