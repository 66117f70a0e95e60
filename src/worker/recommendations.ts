import { createBoundedCache } from "../core/cache/bounded-cache.ts";
import type { RecommendationTable } from "../core/catalogue/recommendations.ts";
import {
  RECS_ACTIVE_KEY,
  type RecItem,
  RecListSchema,
  RecsPointerSchema,
  recsBestsellersKey,
  recsProductKey,
} from "../core/schema/recommendations.ts";
import { configOf } from "./config.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";

/**
 * The recommendation table, cached in the isolate with the rules' discipline: the pointer `recs:active` is read at
 * most once per refresh interval; a version's lists never change, so each is read once per isolate (a bounded cache)
 * and a new pointer simply reads new keys. No pointer, or one that cannot be read: no table, and the experiments that
 * render recommendations are not served (prepare-page-view.ts). KV throwing keeps the last pointer for 5 minutes.
 */
const LAST_GOOD_MS = 5 * 60_000;
const lists = createBoundedCache<readonly RecItem[] | null>(2_000);
let pointer: { version: number | undefined; checkedAt: number; answeredAt: number } | undefined;

async function activeVersion(env: Env, now: number): Promise<number | undefined> {
  if (pointer && now - pointer.checkedAt < configOf(env).refreshMs) return pointer.version;
  try {
    const text = await env.RULES.get(RECS_ACTIVE_KEY, "text");
    let version: number | undefined;
    if (text !== null) {
      const parsed = RecsPointerSchema.safeParse(JSON.parse(text));
      if (parsed.success) version = parsed.data.version;
      else logFault("rules_invalid", parsed.error, { key: RECS_ACTIVE_KEY });
    }
    pointer = { version, checkedAt: now, answeredAt: now };
  } catch (error) {
    logFault("rules_load_failed", error, { key: RECS_ACTIVE_KEY });
    const keep = pointer && now - pointer.answeredAt < LAST_GOOD_MS ? pointer.version : undefined;
    pointer = { version: keep, checkedAt: now, answeredAt: pointer?.answeredAt ?? 0 };
  }
  return pointer.version;
}

/** One list of a version: null when the table has none for it; throws when KV does or the value is unusable. */
async function listOf(env: Env, key: string): Promise<readonly RecItem[] | null> {
  const cached = lists.get(key);
  if (cached !== undefined) return cached;
  const text = await env.RULES.get(key, "text");
  let list: readonly RecItem[] | null = null;
  if (text !== null) {
    const parsed = RecListSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw parsed.error;
    list = parsed.data.items;
  }
  lists.set(key, list);
  return list;
}

export async function loadRecommendations(
  env: Env,
  now: number,
  products: readonly string[],
): Promise<RecommendationTable | undefined> {
  const version = await activeVersion(env, now);
  if (version === undefined) return undefined;
  try {
    const [bestsellers, ...found] = await Promise.all([
      listOf(env, recsBestsellersKey(version)),
      ...products.map((slug) => listOf(env, recsProductKey(version, slug))),
    ]);
    // A version without its bestsellers was never published whole (they are written before the pointer).
    if (!bestsellers) throw new Error(`recommendation table v${version} has no bestsellers key`);
    const byProduct = new Map<string, readonly RecItem[]>();
    products.forEach((slug, i) => {
      const list = found[i];
      if (list) byProduct.set(slug, list);
    });
    return { version, lists: byProduct, bestsellers };
  } catch (error) {
    logFault("rules_invalid", error, { key: `recs:v${version}` });
    return undefined;
  }
}
