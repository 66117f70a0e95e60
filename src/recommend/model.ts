import type { CatalogueProduct } from "../core/schema/catalogue.ts";
import type { RecItem, RecSource } from "../core/schema/recommendations.ts";
import { DAY_MS, type RecommendParams } from "./params.ts";
import { n, type SqlSession } from "./sql.ts";

interface Pair {
  a: string;
  b: string;
  score: number;
  support: number;
  source: RecSource;
}

export interface Model {
  /** Learnt neighbours per product, best first (before filters). */
  pairs: Map<string, Pair[]>;
  /** Decayed popularity per product: views plus purchaseWeight × purchases. */
  popularity: Map<string, number>;
  /** Decayed purchases per product. */
  sales: Map<string, number>;
}

/**
 * Item-to-item similarity from the `signals` and `session_items` tables (signals.ts), in SQL:
 *
 * - co-view: sessions in which both products were viewed or added, each weighted by recency,
 *   0.5^(age / half-life) at the later of the two;
 * - co-purchase: visitors who bought both, weighted the same way, and counted `purchaseWeight` times;
 * - similarity: the weighted co-occurrence over the geometric mean of each product's own weighted occurrences
 *   (cosine), scaled by support / (support + shrinkage), so a pair seen in three sessions cannot outrank one seen in
 *   three hundred by chance; pairs with less than `minSupport` sessions plus buyers are not learnt at all.
 */
export async function learn(db: SqlSession, params: RecommendParams, now: number): Promise<Model> {
  const decay = (column: string) =>
    `pow(0.5, greatest(${n(now)} - ${column}, 0) / ${n(params.halfLifeDays * DAY_MS)})`;
  await db.query(`CREATE OR REPLACE TABLE buyer_items AS
    SELECT visitor AS buyer, product, max(ts) AS ts FROM signals WHERE kind = 'purchase' GROUP BY 1, 2`);
  const rows = await db.query<{
    a: string;
    b: string;
    views: number;
    buys: number;
    support: number;
    score: number;
  }>(
    `WITH co_view AS (
       SELECT x.product AS a, y.product AS b, sum(${decay("greatest(x.ts, y.ts)")}) AS w, count(*) AS support
       FROM session_items x JOIN session_items y ON x.session = y.session AND x.product <> y.product
       GROUP BY 1, 2
     ), co_buy AS (
       SELECT x.product AS a, y.product AS b, sum(${decay("greatest(x.ts, y.ts)")}) AS w, count(*) AS support
       FROM buyer_items x JOIN buyer_items y ON x.buyer = y.buyer AND x.product <> y.product
       GROUP BY 1, 2
     ), own AS (
       SELECT product, sum(w) AS w FROM (
         SELECT product, ${decay("ts")} AS w FROM session_items
         UNION ALL
         SELECT product, ${n(params.purchaseWeight)} * ${decay("ts")} AS w FROM buyer_items
       ) GROUP BY 1
     ), pairs AS (
       SELECT coalesce(v.a, p.a) AS a, coalesce(v.b, p.b) AS b,
         coalesce(v.w, 0) AS views, ${n(params.purchaseWeight)} * coalesce(p.w, 0) AS buys,
         coalesce(v.support, 0) + coalesce(p.support, 0) AS support
       FROM co_view v FULL JOIN co_buy p ON v.a = p.a AND v.b = p.b
     )
     SELECT pairs.a, pairs.b, views::DOUBLE AS views, buys::DOUBLE AS buys, support::DOUBLE AS support,
       ((views + buys) / sqrt(oa.w * ob.w) * support / (support + ${n(params.shrinkage)}))::DOUBLE AS score
     FROM pairs JOIN own oa ON oa.product = pairs.a JOIN own ob ON ob.product = pairs.b
     WHERE support >= ${n(params.minSupport)}
     ORDER BY pairs.a, score DESC, pairs.b`,
  );
  const pairs = new Map<string, Pair[]>();
  for (const row of rows) {
    const pair: Pair = {
      a: row.a,
      b: row.b,
      score: Number(row.score),
      support: Number(row.support),
      source: Number(row.buys) > Number(row.views) ? "co-purchase" : "co-view",
    };
    const list = pairs.get(pair.a);
    if (list) list.push(pair);
    else pairs.set(pair.a, [pair]);
  }
  const popular = await db.query<{ product: string; popularity: number; sales: number }>(
    `SELECT product,
       sum(CASE WHEN kind = 'purchase' THEN ${n(params.purchaseWeight)} ELSE 1 END * ${decay("ts")})::DOUBLE AS popularity,
       sum(CASE WHEN kind = 'purchase' THEN ${decay("ts")} ELSE 0 END)::DOUBLE AS sales
     FROM signals GROUP BY 1`,
  );
  return {
    pairs,
    popularity: new Map(popular.map((row) => [row.product, Number(row.popularity)])),
    sales: new Map(popular.map((row) => [row.product, Number(row.sales)])),
  };
}

/** Products that may be recommended: in the catalogue and not marked out of stock. */
export function recommendable(catalogue: readonly CatalogueProduct[]): Map<string, CatalogueProduct> {
  return new Map(
    catalogue.filter((product) => product.inStock !== false).map((product) => [product.slug, product]),
  );
}

/** The shop's bestsellers (decayed purchases, then popularity), recommendable ones only. */
export function bestsellers(model: Model, products: Map<string, CatalogueProduct>): RecItem[] {
  const total = [...model.sales.values()].reduce((sum, value) => sum + value, 0) || 1;
  return [...products.keys()]
    .map((slug) => ({ slug, sales: model.sales.get(slug) ?? 0, popularity: model.popularity.get(slug) ?? 0 }))
    .sort((x, y) => y.sales - x.sales || y.popularity - x.popularity || x.slug.localeCompare(y.slug))
    .map((entry) => ({ slug: entry.slug, score: round(entry.sales / total), source: "bestseller" as const }));
}

/**
 * One product's list: its learnt neighbours, then the most popular products of its category, then the bestsellers;
 * never itself, never a product out of the catalogue or out of stock, at most `brandCap` of one brand.
 */
export function listFor(
  slug: string,
  model: Model,
  products: Map<string, CatalogueProduct>,
  shopBestsellers: readonly RecItem[],
  params: RecommendParams,
): RecItem[] {
  const chosen: RecItem[] = [];
  const taken = new Set([slug]);
  const brands = new Map<string, number>();
  const offer = (item: RecItem) => {
    if (chosen.length >= params.k || taken.has(item.slug)) return;
    const product = products.get(item.slug);
    if (!product) return;
    const brand = product.brand?.toLowerCase();
    if (brand !== undefined && (brands.get(brand) ?? 0) >= params.brandCap) return;
    taken.add(item.slug);
    if (brand !== undefined) brands.set(brand, (brands.get(brand) ?? 0) + 1);
    chosen.push(item);
  };
  for (const pair of model.pairs.get(slug) ?? [])
    offer({ slug: pair.b, score: round(pair.score), source: pair.source });
  const category = products.get(slug)?.category;
  if (category !== undefined) {
    const inCategory = [...products.values()]
      .filter((product) => product.category === category)
      .map((product) => ({ slug: product.slug, popularity: model.popularity.get(product.slug) ?? 0 }))
      .filter((entry) => entry.popularity > 0)
      .sort((x, y) => y.popularity - x.popularity || x.slug.localeCompare(y.slug));
    const total = inCategory.reduce((sum, entry) => sum + entry.popularity, 0) || 1;
    for (const entry of inCategory)
      offer({ slug: entry.slug, score: round(entry.popularity / total), source: "category" });
  }
  for (const item of shopBestsellers) offer(item);
  return chosen;
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
