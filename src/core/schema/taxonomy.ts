import * as z from "zod";

/**
 * How the worker reads a page view into the edge profile: path patterns with named parts. `:category` and `:product`
 * capture one path segment each. The first entry that matches wins.
 */
const PAGE_TYPES = ["category", "product", "basket", "checkout", "purchase", "content"] as const;

export const TaxonomyEntrySchema = z.strictObject({
  pattern: z
    .string()
    .regex(/^\/[A-Za-z0-9_\-/:.*]*$/, "a path such as /category/:category or /products/:product")
    .max(200),
  type: z.enum(PAGE_TYPES),
});

export type TaxonomyEntry = z.infer<typeof TaxonomyEntrySchema>;
export type PageType = (typeof PAGE_TYPES)[number];

/** Where the storefront says who is a customer: a cookie or header, optionally signed by the shop. */
export const CustomerSourceSchema = z.strictObject({
  cookie: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  header: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/)
    .optional(),
  secretVar: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,63}$/)
    .optional()
    .describe("Name of a worker secret: the value must then be `<tier>.<signature>`, signed by the shop."),
});

export type CustomerSource = z.infer<typeof CustomerSourceSchema>;
