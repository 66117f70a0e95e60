// The whole shop's data is static so every page renders identically on every
// run; lookups are indexed once at import time.
import { camping, campingProducts } from "./camping.ts";
import { hikingBoots, hikingBootsProducts } from "./hiking-boots.ts";
import { trailRunning, trailRunningProducts } from "./trail-running.ts";
import type { Category, Product } from "./types.ts";
import { waterproofs, waterproofsProducts } from "./waterproofs.ts";

export type { Category, Product, SpecRow } from "./types.ts";

export const categories: readonly Category[] = [trailRunning, hikingBoots, waterproofs, camping];

export const products: readonly Product[] = [
  ...trailRunningProducts,
  ...hikingBootsProducts,
  ...waterproofsProducts,
  ...campingProducts,
];

const categoriesBySlug = new Map(categories.map((category) => [category.slug, category]));
const productsBySlug = new Map(products.map((product) => [product.slug, product]));

export function findCategory(slug: string): Category | undefined {
  return categoriesBySlug.get(slug);
}

export function findProduct(slug: string): Product | undefined {
  return productsBySlug.get(slug);
}

export function productsIn(categorySlug: string): Product[] {
  return products.filter((product) => product.category === categorySlug);
}

export function categoryOf(product: Product): Category {
  const category = categoriesBySlug.get(product.category);
  if (!category) throw new Error(`Product ${product.slug} has unknown category ${product.category}`);
  return category;
}

/** Hand-picked so the home page shows a spread of categories and prices. */
export const featuredSlugs: readonly string[] = [
  "skarn-fellrunner-6",
  "fellside-helvellyn-jacket",
  "wainwright-pike-mid",
  "fellside-tarn-2-tent",
  "fellside-race-vest-12",
  "tarn-tor-down-bag-minus5",
  "northwick-overtrousers",
  "haar-carbon-z-poles",
];

export function featuredProducts(): Product[] {
  return featuredSlugs.map((slug) => {
    const product = productsBySlug.get(slug);
    if (!product) throw new Error(`Featured product ${slug} is not in the catalogue`);
    return product;
  });
}

/**
 * The shop's bestsellers, best first: the "Our bestsellers" list on every product page, and the products the demo's
 * seeded history (demo/history.ts) makes sell best, so the list a recommendation test runs against is the real one.
 */
export const bestsellerSlugs: readonly string[] = [
  "skarn-fellrunner-6",
  "fellside-trail-socks-3pk",
  "fellside-helvellyn-jacket",
  "fellside-tarn-2-tent",
  "skarn-scafell-gtx",
  "northwick-headtorch-500",
  "skarn-downpour-jacket",
  "fellside-self-inflating-mat",
  "haar-carbon-z-poles",
  "skarn-walking-socks-merino",
];
