import * as z from "zod";
import { ProductIdSchema } from "./event.ts";

/**
 * A recommendation table in KV, built offline by `stylist recommend build` (docs/recommendations.md):
 * `recs:v<N>:p:<slug>` holds one product's list, `recs:v<N>:bestsellers` the shop-wide fallback, `recs:manifest:v<N>`
 * what was built and how it scored, and `recs:active` the one mutable key, `{"version": N}`, written last. A product
 * key per product keeps each read small (one product page reads one key) and far inside KV's 25 MiB value limit.
 */
export const RECS_ACTIVE_KEY = "recs:active";
export const RECS_MANIFEST_PREFIX = "recs:manifest:v";
export const recsProductKey = (version: number, slug: string) => `recs:v${version}:p:${slug}`;
export const recsBestsellersKey = (version: number) => `recs:v${version}:bestsellers`;
export const recsManifestKey = (version: number) => `${RECS_MANIFEST_PREFIX}${version}`;

/** Why a product is on a list: learnt together with the product, or a fallback. */
const REC_SOURCES = ["co-view", "co-purchase", "category", "bestseller"] as const;
export type RecSource = (typeof REC_SOURCES)[number];

const RecItemSchema = z.strictObject({
  slug: ProductIdSchema,
  /** Shrunk similarity for learnt items; the decayed popularity share for fallbacks. */
  score: z.number().min(0).max(1_000_000),
  source: z.enum(REC_SOURCES),
});
export type RecItem = z.infer<typeof RecItemSchema>;

/** At most this many items per list: ops show up to 12, and a few spare survive the render-time filters. */
const MAX_REC_ITEMS = 24;

export const RecListSchema = z.strictObject({ items: z.array(RecItemSchema).max(MAX_REC_ITEMS) });

export const RecsPointerSchema = z.strictObject({ version: z.number().int().positive() });
