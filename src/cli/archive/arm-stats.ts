import type { ArchiveReader } from "./duckdb-archive.ts";

/**
 * The report's sufficient statistics computed where the data is, in one SQL pass over the archive view (DuckDB):
 * per experiment × phase × arm the visitors (by first exposure, crossovers out) and per goal the converters, orders,
 * Σrevenue, Σrevenue², Σorders², Σrevenue·orders — the figures src/report/finalize.ts sums in Node. The attribution
 * rules are docs/report.md's, as src/report/aggregate.ts applies them: the arm of the first exposure (by time, then
 * id); a visitor seen in two arms of a phase is a crossover, kept in their first arm (intention to treat) or, with
 * `crossovers: "exclude"`, counted nowhere; a conversion counts at or after the first exposure (and within the
 * window); an event id once; an order (goal, order id) once across visitors, its first report (from the earliest
 * exposure on, as the report reads them) winning. test/node/cli/archive/archive-arm-stats.test.ts checks it against the
 * streaming aggregator.
 *
 * Not yet wired into `stylist report` (which still streams rows into the aggregator), and DuckDB's dialect only.
 */
const FIRSTS = `
  SELECT experiment, phase, visitor, first(variant ORDER BY ts, id) AS variant, min(ts) AS first_ts,
         count(DISTINCT variant) > 1 AS crossover
  FROM archive WHERE type = 'exposure' GROUP BY experiment, phase, visitor`;

const COUNTED = `
  SELECT * FROM archive
  WHERE type = 'conversion' AND ts >= (SELECT min(ts) FROM archive WHERE type = 'exposure')
  QUALIFY order_id IS NULL OR row_number() OVER (PARTITION BY goal, order_id ORDER BY ts, id) = 1`;

/** $1: true to leave crossovers out. */
const ARM_VISITORS_SQL = `
  WITH firsts AS (${FIRSTS})
  SELECT experiment, phase, variant, count(*) FILTER (WHERE NOT (crossover AND $1::BOOLEAN))::DOUBLE AS visitors,
         count(*) FILTER (WHERE crossover)::DOUBLE AS crossovers
  FROM firsts GROUP BY experiment, phase, variant ORDER BY experiment, phase, variant`;

/** $1: the attribution window in ms, or NULL for none; $2: true to leave crossovers out. */
const ARM_GOALS_SQL = `
  WITH firsts AS (${FIRSTS}), counted AS (${COUNTED}),
  per_visitor AS (
    SELECT f.experiment, f.phase, f.variant, f.visitor, c.goal, count(*)::DOUBLE AS orders,
           sum(coalesce(c.value, 0))::DOUBLE AS revenue, bool_or(c.value IS NOT NULL) AS valued
    FROM firsts f JOIN counted c ON c.visitor = f.visitor AND c.ts >= f.first_ts
      AND ($1::BIGINT IS NULL OR c.ts <= f.first_ts + $1::BIGINT)
    WHERE NOT (f.crossover AND $2::BOOLEAN)
    GROUP BY f.experiment, f.phase, f.variant, f.visitor, c.goal)
  SELECT experiment, phase, variant, goal, count(*)::DOUBLE AS converters, sum(orders) AS orders,
         sum(revenue) AS revenue, sum(revenue * revenue) AS revenue_squares, sum(orders * orders) AS orders_squares,
         sum(revenue * orders) AS revenue_orders, bool_or(valued) AS valued
  FROM per_visitor GROUP BY experiment, phase, variant, goal ORDER BY experiment, phase, variant, goal`;

export interface ArmVisitorsRow {
  experiment: string;
  phase: number;
  variant: string;
  visitors: number;
  crossovers: number;
}

export interface ArmGoalRow {
  experiment: string;
  phase: number;
  variant: string;
  goal: string;
  converters: number;
  orders: number;
  revenue: number;
  revenue_squares: number;
  orders_squares: number;
  revenue_orders: number;
  valued: boolean;
}

export interface ArmStatisticsOptions {
  windowMs?: number;
  crossovers?: "first-exposure" | "exclude";
}

export async function armStatistics(archive: ArchiveReader, options: ArmStatisticsOptions = {}) {
  const exclude = options.crossovers === "exclude";
  return {
    arms: await archive.query<ArmVisitorsRow>(ARM_VISITORS_SQL, [exclude]),
    goals: await archive.query<ArmGoalRow>(ARM_GOALS_SQL, [options.windowMs ?? null, exclude]),
  };
}
