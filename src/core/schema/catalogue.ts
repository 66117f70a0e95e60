import * as z from "zod";

/** A small product catalogue in KV (`catalogue`), for product-aware ops and for a product page's category. */
const CatalogueProductSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,100}$/),
  name: z.string().min(1).max(200),
  url: z.string().startsWith("/").max(500),
  image: z.string().max(500).optional(),
  price: z.number().int().min(0).describe("Minor units."),
  currency: z.string().regex(/^[A-Z]{3}$/),
  category: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
});

export const CatalogueSchema = z.strictObject({
  products: z.array(CatalogueProductSchema).max(20_000),
});

export type CatalogueProduct = z.infer<typeof CatalogueProductSchema>;
export type Catalogue = z.infer<typeof CatalogueSchema>;
export const CATALOGUE_KEY = "catalogue";
