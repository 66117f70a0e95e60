import * as z from "zod";
import { isHttpsUrl, isSameSitePath } from "../html/url-safety.ts";

/** A product link stays on the shop: `/p/x`, never `//host/…`, `/\host/…`, a scheme or controls. */
const SameSitePath = z
  .string()
  .max(500)
  .refine(
    isSameSitePath,
    "a path on this site (/products/x): not //host, /\\host, a scheme, spaces or controls",
  );

/** A product image: a path on this site, or an https:// URL (images are often on a CDN); never another scheme. */
const ImageUrl = z
  .string()
  .max(500)
  .refine(
    (url) => isSameSitePath(url) || isHttpsUrl(url),
    "a path on this site or an https:// URL without credentials",
  );

/** A small product catalogue in KV (`catalogue`), for product-aware ops and for a product page's category. */
export const CatalogueProductSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,100}$/),
  name: z.string().min(1).max(200),
  url: SameSitePath,
  image: ImageUrl.optional(),
  price: z.number().int().min(0).describe("Minor units."),
  currency: z.string().regex(/^[A-Z]{3}$/),
  category: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  brand: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe("Recommendations cap how many of one brand they show."),
  inStock: z.boolean().optional().describe("false: never recommended (default true)."),
});

export const CatalogueSchema = z.strictObject({
  products: z.array(CatalogueProductSchema).max(20_000),
});

export type CatalogueProduct = z.infer<typeof CatalogueProductSchema>;
export type Catalogue = z.infer<typeof CatalogueSchema>;
export const CATALOGUE_KEY = "catalogue";
