import {
  RECS_ACTIVE_KEY,
  RECS_MANIFEST_PREFIX,
  type RecItem,
  RecListSchema,
  RecsPointerSchema,
  recsBestsellersKey,
  recsManifestKey,
  recsProductKey,
} from "../core/schema/recommendations.ts";
import type { RuleStore } from "../rules/store.ts";

/** What `recommend build` stores beside a table: how it was built and how it did, for `history` and rollbacks. */
export interface Manifest {
  version: number;
  builtAt: string;
  products: number;
  window: { since: string; until: string };
  params: unknown;
  gates: unknown;
  evaluation: unknown;
}

export class PublishError extends Error {}

/** Versions with a manifest, oldest first. A manifest is written after every key of its table. */
async function tableVersions(store: RuleStore): Promise<number[]> {
  const keys = await store.list(RECS_MANIFEST_PREFIX);
  return keys
    .map((key) => Number(key.name.slice(RECS_MANIFEST_PREFIX.length)))
    .filter((version) => Number.isInteger(version) && version > 0)
    .sort((a, b) => a - b);
}

export async function activeTableVersion(store: RuleStore): Promise<number | undefined> {
  const text = await store.get(RECS_ACTIVE_KEY);
  if (text === null) return undefined;
  try {
    const parsed = RecsPointerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.version : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `work` over `items`, `limit` at a time: a table is many small writes. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/**
 * Stores a table as a new version — a key per product, the bestsellers, then the manifest — and only then moves
 * `recs:active` to it: one write switches every product at once, and a build that fails half-way leaves the active
 * table as it was. Versions are never overwritten.
 */
export async function publishTable(
  store: RuleStore,
  table: { lists: ReadonlyMap<string, readonly RecItem[]>; bestsellers: readonly RecItem[] },
  manifest: Omit<Manifest, "version">,
): Promise<number> {
  const version = ((await tableVersions(store)).at(-1) ?? 0) + 1;
  if ((await store.get(recsManifestKey(version))) !== null)
    throw new PublishError(`table version ${version} already exists: is another build publishing?`);
  const entries = [...table.lists].map(
    ([slug, items]) => [recsProductKey(version, slug), { items: [...items] }] as const,
  );
  await eachLimited(entries, 8, async ([key, list]) =>
    store.put(key, JSON.stringify(RecListSchema.parse(list))),
  );
  await store.put(
    recsBestsellersKey(version),
    JSON.stringify(RecListSchema.parse({ items: [...table.bestsellers] })),
  );
  await store.put(recsManifestKey(version), JSON.stringify({ ...manifest, version }));
  await store.put(RECS_ACTIVE_KEY, JSON.stringify({ version }));
  return version;
}

/**
 * Makes an earlier table active again (one write): the given version, or the newest below the active one. Refused
 * when that version has no manifest or its bestsellers cannot be read.
 */
export async function rollbackTable(
  store: RuleStore,
  target?: number,
): Promise<{ from?: number; to: number }> {
  const versions = await tableVersions(store);
  const active = await activeTableVersion(store);
  const to = target ?? versions.filter((version) => active === undefined || version < active).at(-1);
  if (to === undefined) throw new PublishError("there is no earlier recommendation table to roll back to");
  if (!versions.includes(to)) throw new PublishError(`there is no recommendation table version ${to}`);
  if (to === active) throw new PublishError(`table version ${to} is already active`);
  if (!readable(await store.get(recsBestsellersKey(to))))
    throw new PublishError(`table version ${to} is incomplete or unreadable; not switching to it`);
  await store.put(RECS_ACTIVE_KEY, JSON.stringify({ version: to }));
  return { ...(active === undefined ? {} : { from: active }), to };
}

function readable(text: string | null): boolean {
  if (text === null) return false;
  try {
    return RecListSchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}
