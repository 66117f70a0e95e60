import type { RecommendationTable } from "../core/catalogue/recommendations.ts";
import { RecListSchema, recsBestsellersKey, recsProductKey } from "../core/schema/recommendations.ts";
import type { RuleStore } from "../rules/store.ts";
import { activeTableVersion } from "./publish.ts";

async function list(store: RuleStore, key: string) {
  const text = await store.get(key);
  if (text === null) return undefined;
  const parsed = RecListSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data.items : undefined;
}

/** The active table's lists of these products, as the worker reads them (src/worker/recommendations.ts). */
export async function readTable(
  store: RuleStore,
  products: readonly string[],
): Promise<RecommendationTable | undefined> {
  const version = await activeTableVersion(store);
  if (version === undefined) return undefined;
  const bestsellers = await list(store, recsBestsellersKey(version));
  if (!bestsellers) return undefined;
  const lists = new Map<string, readonly NonNullable<typeof bestsellers>[number][]>();
  for (const slug of products) {
    const found = await list(store, recsProductKey(version, slug));
    if (found) lists.set(slug, found);
  }
  return { version, lists, bestsellers };
}
