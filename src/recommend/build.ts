import type { CatalogueProduct } from "../core/schema/catalogue.ts";
import type { RecItem } from "../core/schema/recommendations.ts";
import { type Evaluation, score, testCases } from "./evaluate.ts";
import { checkGates, type Gate } from "./gates.ts";
import { bestsellers, learn, listFor, recommendable } from "./model.ts";
import { DAY_MS, type RecommendParams } from "./params.ts";
import { loadSignals, type SignalStats, sessionItems, signalStats } from "./signals.ts";
import type { SqlSession } from "./sql.ts";

export interface BuiltTable {
  /** One list per catalogue product (out-of-stock ones included: their pages still show a list). */
  lists: Map<string, RecItem[]>;
  bestsellers: RecItem[];
  window: { since: number; until: number };
  stats: SignalStats;
  gates: Gate[];
  evaluation: Evaluation[] | undefined;
}

/** K values the offline evaluation reports: what an op shows by default (4) and the whole list. */
function evaluationKs(k: number): number[] {
  return [...new Set([Math.min(4, k), k])];
}

async function tables(
  db: SqlSession,
  catalogue: readonly CatalogueProduct[],
  params: RecommendParams,
  now: number,
) {
  const model = await learn(db, params, now);
  const products = recommendable(catalogue);
  const shop = bestsellers(model, products);
  const lists = new Map(
    catalogue.map((product) => [product.slug, listFor(product.slug, model, products, shop, params)]),
  );
  return { lists, bestsellers: shop.slice(0, params.k), ranking: shop };
}

/**
 * Builds a table from the `archive` view: the window ends at the newest product signal. First the offline
 * evaluation — the same method trained without the last week and scored on that week's sessions, against the
 * bestsellers — then the table itself from the whole window, and the gates it must pass to be published.
 */
export async function buildTable(
  db: SqlSession,
  catalogue: readonly CatalogueProduct[],
  params: RecommendParams,
  clock: number,
): Promise<BuiltTable> {
  const [newest] = await db.query<{ ts: number | null }>(
    "SELECT max(ts)::DOUBLE AS ts FROM archive WHERE type = 'conversion' AND products IS NOT NULL",
  );
  const until = newest?.ts === null || newest?.ts === undefined ? clock : Number(newest.ts) + 1;
  const since = until - params.windowDays * DAY_MS;
  const heldOut = { since: until - 7 * DAY_MS, until };
  let evaluation: Evaluation[] | undefined;
  if (params.windowDays > 7) {
    await loadSignals(db, { since, until: heldOut.since }, params);
    await sessionItems(db, params);
    const trained = await tables(db, catalogue, params, heldOut.since);
    await loadSignals(db, heldOut, params);
    await sessionItems(db, params);
    const cases = await testCases(db);
    const popular = trained.ranking;
    evaluation = evaluationKs(params.k).map((k) => ({
      k,
      heldOut,
      model: score(cases, (query) => trained.lists.get(query) ?? [], k),
      popularity: score(cases, (query) => popular.filter((item) => item.slug !== query), k),
    }));
  }
  await loadSignals(db, { since, until }, params);
  const stats = await signalStats(db, params);
  const built = await tables(db, catalogue, params, until);
  return {
    lists: built.lists,
    bestsellers: built.bestsellers,
    window: { since, until },
    stats,
    gates: checkGates(stats, built.lists, params.gates, clock),
    evaluation,
  };
}
