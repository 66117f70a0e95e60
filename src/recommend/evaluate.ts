import type { RecItem } from "../core/schema/recommendations.ts";
import type { SqlSession } from "./sql.ts";

export interface Metrics {
  cases: number;
  hitRate: number;
  recall: number;
}

export interface Evaluation {
  k: number;
  /** The held-out days: the last week of the window, which the evaluated table was not built from. */
  heldOut: { since: number; until: number };
  model: Metrics;
  popularity: Metrics;
}

/** A held-out session: the first product viewed, and the other products the visitor went on to view or add. */
export interface TestCase {
  query: string;
  targets: string[];
}

/** Test cases from the `session_items` table of the held-out window: sessions with two products or more. */
export async function testCases(db: SqlSession): Promise<TestCase[]> {
  const rows = await db.query<{ products: string[] }>(
    `SELECT list(product ORDER BY ts, product) AS products FROM session_items GROUP BY session
     HAVING count(*) >= 2 ORDER BY session`,
  );
  return rows.map((row) => {
    const [query, ...targets] = [...row.products];
    return { query: query as string, targets };
  });
}

/**
 * Hit rate at K (share of cases with at least one target among the first K items) and recall at K (share of a
 * case's targets among them, averaged over cases) for a recommender: a list per query product.
 */
export function score(
  cases: readonly TestCase[],
  recommend: (query: string) => readonly RecItem[],
  k: number,
): Metrics {
  let hits = 0;
  let recall = 0;
  for (const { query, targets } of cases) {
    const shown = new Set(
      recommend(query)
        .slice(0, k)
        .map((item) => item.slug),
    );
    const found = targets.filter((target) => shown.has(target)).length;
    if (found > 0) hits += 1;
    recall += found / targets.length;
  }
  const count = cases.length;
  return { cases: count, hitRate: count ? hits / count : 0, recall: count ? recall / count : 0 };
}
