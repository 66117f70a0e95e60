import { readFileSync } from "node:fs";
import { findProduct } from "./catalogue/index.ts";
import { productImageSvg } from "./product-image.ts";
import { CACHE, CONTENT_TYPES, type Representation, representation } from "./representation.ts";

// Static files are read lazily once (the router memoises them): they never
// change while the server runs, and per-request reads would only add disk
// latency to the proxy's benchmarks.
const STATIC: Record<string, { file: string; contentType: string }> = {
  "/assets/site.css": { file: "site.css", contentType: CONTENT_TYPES.css },
  "/assets/logo.svg": { file: "logo.svg", contentType: CONTENT_TYPES.svg },
  "/assets/island.js": { file: "island.js", contentType: CONTENT_TYPES.js },
};

export function staticAsset(path: string): Representation | undefined {
  const entry = STATIC[path];
  if (!entry) return undefined;
  return representation({
    contentType: entry.contentType,
    cacheControl: CACHE.asset,
    body: readFileSync(new URL(`./assets/${entry.file}`, import.meta.url)),
    compressible: true,
  });
}

export function productImage(slug: string): Representation | undefined {
  const product = findProduct(slug);
  if (!product) return undefined;
  return representation({
    contentType: CONTENT_TYPES.svg,
    cacheControl: CACHE.asset,
    body: productImageSvg(product),
    compressible: true,
  });
}
