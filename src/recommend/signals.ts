import type { RecommendParams } from "./params.ts";
import { n, type SqlSession } from "./sql.ts";

/**
 * The signals of one window as a table, `signals (visitor, ts, kind, product)`, from the `archive` view's
 * conversions that name products: `view` for a URL goal on a product page, `purchase` for the `purchase` goal (an
 * order once, whoever reported it, the shop's backend preferred), `basket` for any other goal (basket adds). Visitors
 * who viewed more products in a day than a person could are left out, and counted, as bots.
 */
export async function loadSignals(
  db: SqlSession,
  window: { since: number; until: number },
  params: RecommendParams,
): Promise<void> {
  await db.query(`CREATE OR REPLACE TABLE raw_signals AS
    SELECT visitor, ts, kind, product FROM (
      SELECT visitor, ts,
        CASE WHEN goal = 'purchase' THEN 'purchase' WHEN reported_by = 'page' THEN 'view' ELSE 'basket' END AS kind,
        unnest(CAST(json(products) AS VARCHAR[])) AS product,
        CASE WHEN order_id IS NULL THEN id ELSE goal || ':' || order_id END AS once,
        reported_by
      FROM archive
      WHERE type = 'conversion' AND products IS NOT NULL AND ts >= ${n(window.since)} AND ts < ${n(window.until)}
    )
    QUALIFY row_number() OVER (PARTITION BY once, product ORDER BY reported_by = 'server' DESC, ts) = 1`);
  await db.query(`CREATE OR REPLACE TABLE bots AS
    SELECT DISTINCT visitor FROM raw_signals WHERE kind = 'view'
    GROUP BY visitor, ts // 86400000 HAVING count(*) > ${n(params.botViewsPerDay)}`);
  await db.query(`CREATE OR REPLACE TABLE signals AS
    SELECT * FROM raw_signals WHERE visitor NOT IN (SELECT visitor FROM bots)`);
}

export interface SignalStats {
  events: number;
  botEvents: number;
  sessions: number;
  orders: number;
  newest: number | undefined;
}

/** What the window holds, for the gates. */
export async function signalStats(db: SqlSession, params: RecommendParams): Promise<SignalStats> {
  const [row] = await db.query<{
    events: number;
    bot_events: number;
    newest: number | null;
  }>(`SELECT count(*)::DOUBLE AS events,
      count(*) FILTER (WHERE visitor IN (SELECT visitor FROM bots))::DOUBLE AS bot_events,
      max(ts)::DOUBLE AS newest
    FROM raw_signals`);
  await sessionItems(db, params);
  const [counts] = await db.query<{ sessions: number; orders: number }>(`SELECT
      (SELECT count(DISTINCT session) FROM session_items)::DOUBLE AS sessions,
      (SELECT count(DISTINCT visitor || ':' || ts) FROM signals WHERE kind = 'purchase')::DOUBLE AS orders`);
  return {
    events: Number(row?.events ?? 0),
    botEvents: Number(row?.bot_events ?? 0),
    sessions: Number(counts?.sessions ?? 0),
    orders: Number(counts?.orders ?? 0),
    newest: row?.newest === null || row?.newest === undefined ? undefined : Number(row.newest),
  };
}

/** `session_items (session, product, ts)`: each product once per browsing session, at its latest time. */
export async function sessionItems(db: SqlSession, params: RecommendParams): Promise<void> {
  const gap = params.sessionGapMinutes * 60_000;
  await db.query(`CREATE OR REPLACE TABLE session_items AS
    WITH ordered AS (
      SELECT visitor, ts, product, lag(ts) OVER (PARTITION BY visitor ORDER BY ts, product) AS previous
      FROM signals WHERE kind IN ('view', 'basket')
    ), numbered AS (
      SELECT visitor, ts, product,
        sum(CASE WHEN previous IS NULL OR ts - previous > ${n(gap)} THEN 1 ELSE 0 END)
          OVER (PARTITION BY visitor ORDER BY ts, product ROWS UNBOUNDED PRECEDING) AS number
      FROM ordered
    )
    SELECT visitor || ':' || number AS session, product, max(ts) AS ts FROM numbered GROUP BY 1, 2`);
}
