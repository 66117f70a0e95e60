import { type CatalogueIndex, EMPTY_CATALOGUE, indexCatalogue } from "../core/catalogue/catalogue-index.ts";
import { CATALOGUE_KEY, CatalogueSchema } from "../core/schema/catalogue.ts";
import { configOf } from "./config.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";

/**
 * The product catalogue, cached in the isolate like the rules: read from KV at most once per refresh interval, and
 * only by page views that need it (product pages, product-list ops). Missing: an empty catalogue, so product lists
 * render nothing; invalid or unreadable: the last good one is kept. The page is served as usual either way.
 */
let cached: { index: CatalogueIndex; checkedAt: number } | undefined;

export async function loadCatalogue(env: Env, now: number): Promise<CatalogueIndex> {
  if (cached && now - cached.checkedAt < configOf(env).refreshMs) return cached.index;
  let index = cached?.index ?? EMPTY_CATALOGUE;
  try {
    const text = await env.RULES.get(CATALOGUE_KEY, "text");
    if (text === null) index = EMPTY_CATALOGUE;
    else {
      const parsed = CatalogueSchema.safeParse(JSON.parse(text));
      if (parsed.success) index = indexCatalogue(parsed.data);
      else logFault("rules_invalid", parsed.error, { key: CATALOGUE_KEY });
    }
  } catch (error) {
    logFault("rules_load_failed", error, { key: CATALOGUE_KEY });
  }
  cached = { index, checkedAt: now };
  return index;
}
