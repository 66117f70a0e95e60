/**
 * The report's sufficient statistics as one SQL query, for the engine where the events are (DuckDB over the archive,
 * SQLite/D1 over the sink, or a warehouse: BigQuery, Trino, Spark). It follows docs/report.md "Per-visitor rules"
 * exactly as src/report/aggregate.ts applies them, and returns a few hundred rows whatever the number of events;
 * src/report/sql/stats-rows.ts turns them into the aggregator's result, and src/report/build.ts into the report.
 *
 * The input is a relation with the archive's columns (docs/analytics.md): id, type, ts, visitor, experiment,
 * variant, phase, device, country, source, segments (a JSON array), goal, value, currency, order_id, reported_by.
 * Duplicate ids (at-least-once delivery) are dropped here, so a raw table is fine.
 *
 * Every option is written into the text as a literal, so the query runs as printed; the first row (kind `query`)
 * repeats them, so `stylist report --stats` knows what the rows were computed with.
 */

import { MAX_VALUE } from "../../core/schema/event.ts";
import type { CrossoverRule } from "../finalize.ts";
import type { Dimension } from "../segment.ts";
import { type Dialect, type DialectName, dialects } from "./dialects.ts";

export const STATS_SCHEMA = "stylist.stats/1";

export interface StatsQueryOptions {
  experiment?: string | undefined;
  phase?: number | undefined;
  window?: string | undefined;
  windowMs?: number | undefined;
  cuped?: { lookback: string; lookbackMs: number } | undefined;
  crossovers: CrossoverRule;
  /** Percentile as a fraction (0.99). */
  capPercentile?: number | undefined;
  by?: Dimension | undefined;
  /**
   * Without `by`: group by allocation period anyway, as the streaming pass does, so a bandit's report is stratified
   * (docs/autopilot.md). Reads the `period` column; NULL (a fixed split, or a file written before the column) is period 1.
   */
  periodGroups?: boolean | undefined;
}

/** The options as the `query` row carries them. */
export interface StatsQueryHeader extends StatsQueryOptions {
  schema: typeof STATS_SCHEMA;
}

type ColumnType = "text" | "integer" | "double";

/** The result's columns, in order; each row kind fills some and leaves the rest NULL. */
const STATS_COLUMNS = {
  kind: "text",
  experiment: "text",
  phase: "integer",
  variant: "text",
  grp: "text",
  goal: "text",
  currency: "text",
  day: "integer",
  position: "integer",
  visitors: "integer",
  crossovers: "integer",
  converters: "integer",
  orders: "integer",
  revenue: "double",
  revenue_squares: "double",
  orders_squares: "double",
  revenue_orders: "double",
  valued: "integer",
  pre_converters: "integer",
  pre_converters_converted: "integer",
  pre_revenue: "double",
  pre_revenue_squares: "double",
  revenue_pre_revenue: "double",
  cap: "double",
  capped: "integer",
  first_ts: "integer",
  last_ts: "integer",
  exposures: "integer",
  conversions: "integer",
  unattributed: "integer",
  duplicate_orders: "integer",
  values_over_cap: "integer",
  options: "text",
} as const satisfies Record<string, ColumnType>;

type StatsColumn = keyof typeof STATS_COLUMNS;

function integerLiteral(value: number, what: string): string {
  if (!Number.isSafeInteger(value)) throw new Error(`${what} must be an integer, not ${value}`);
  return String(value);
}

/** One branch of the result: the given columns, typed NULL for the others. */
function branch(dialect: Dialect, columns: Partial<Record<StatsColumn, string>>, rest: string): string {
  const select = (Object.keys(STATS_COLUMNS) as StatsColumn[]).map((column) => {
    const expression = columns[column];
    const type = dialect.types[STATS_COLUMNS[column]];
    if (expression === undefined) return `CAST(NULL AS ${type}) AS ${column}`;
    return dialect.castEveryColumn
      ? `CAST(${expression} AS ${type}) AS ${column}`
      : `${expression} AS ${column}`;
  });
  return `SELECT ${select.join(", ")}\n${rest}`;
}

/**
 * An inner join on `equalities` and `ranges`: all in ON, or — for an engine whose ON takes only equalities between
 * the two sides — the ranges in WHERE, which for an inner join is the same.
 */
function innerJoin(
  dialect: Dialect,
  relation: string,
  equalities: string[],
  ranges: string[],
): { join: string; where: string[] } {
  if (dialect.equiJoinsOnly)
    return {
      join:
        equalities.length === 0
          ? `CROSS JOIN ${relation}`
          : `JOIN ${relation} ON ${equalities.join(" AND ")}`,
      where: ranges,
    };
  return { join: `JOIN ${relation} ON ${[...equalities, ...ranges].join(" AND ")}`, where: [] };
}

function whereOf(conditions: string[]): string {
  return conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`;
}

/** The breakdown value of a first exposure, as src/report/segment.ts groupKeyOf gives it. */
function groupExpression(by: Dimension | undefined): string {
  switch (by) {
    case "device":
      return "device";
    case "country":
      return "COALESCE(country, '(unknown)')";
    case "source":
      return "COALESCE(source, '(none)')";
    case "period":
      // A number until each visitor's group is known (see asGroup), then text like the others.
      return "COALESCE(period, 1)";
    default:
      return "''";
  }
}

/** `source`: a table name or a parenthesised query with the archive's columns. */
export function statsQuery(
  /** An engine's name; a Dialect itself only in tests that vary one hook. */
  dialectName: DialectName | Dialect,
  source: string,
  options: StatsQueryOptions,
  /** The source already holds each id once (the CLI's archive view): skip that pass. */
  { deduplicated = false }: { deduplicated?: boolean } = {},
): string {
  const d = typeof dialectName === "string" ? dialects[dialectName] : dialectName;
  const double = (x: string) => `CAST(${x} AS ${d.types.double})`;
  const lookback = options.cuped ? integerLiteral(options.cuped.lookbackMs, "the CUPED lookback") : undefined;
  const window =
    options.windowMs === undefined ? undefined : integerLiteral(options.windowMs, "the attribution window");
  const exclude = options.crossovers === "exclude" ? 1 : 0;
  const capping = options.capPercentile !== undefined;
  const percentile = capping ? `CAST(${Number(options.capPercentile)} AS ${d.types.double})` : "";
  const header: StatsQueryHeader = { schema: STATS_SCHEMA, ...options };
  const filters = [
    options.experiment === undefined ? "" : ` AND experiment = ${d.stringLiteral(options.experiment)}`,
    options.phase === undefined ? "" : ` AND phase = ${integerLiteral(options.phase, "--phase")}`,
  ].join("");
  const capped = (expression: string) =>
    capping
      ? `CASE WHEN cp.cap IS NOT NULL AND ${expression} > cp.cap THEN cp.cap ELSE ${expression} END`
      : expression;
  const post = "ts >= first_ts";
  const joinRange = [
    lookback === undefined ? "ts >= first_ts" : `ts >= first_ts - ${lookback}`,
    window === undefined ? "" : ` AND ts <= first_ts + ${window}`,
  ].join("");
  const conversionsRead = innerJoin(d, "start_at s", [], ["c.ts >= s.start_ts"]);
  const overCapRead = innerJoin(d, "start_at s", [], ["e.ts >= s.start_ts"]);
  const grouping: Dimension | undefined = options.by ?? (options.periodGroups ? "period" : undefined);
  const byGroup = grouping !== undefined;
  const period = grouping === "period" ? ", period" : "";

  const bySegment = options.by === "segment";
  const groupWanted = grouping !== undefined && grouping !== "segment";
  /** The columns a first exposure fixes besides the arm: its breakdown group or its audiences. */
  const fixed = [...(bySegment ? ["segments"] : []), ...(groupWanted ? ["grp"] : [])];
  /** A period is compared as the number it is, and made the group's text once a visitor has one. */
  const asGroup = (grp: string) => (grouping === "period" ? `CAST(${grp} AS ${d.types.text})` : grp);
  /** Every exposure's values of `column` agree (all NULL counts as agreeing). */
  const agree = (column: string) =>
    `((MIN(${column}) = MAX(${column}) AND COUNT(${column}) = COUNT(*)) OR COUNT(${column}) = 0)`;

  // Without a known single copy of each id, the earliest copy (ts, visitor) of each, as the archive view keeps it.
  // With one (the CLI's archive view), exposures and conversions read the source directly, so no engine keeps a
  // copy of every event between the reads.
  const events = deduplicated ? source : "events_once";
  // Written out at each use rather than as a CTE: an engine materialises a CTE read twice, every exposure of it.
  const exposures = `(SELECT experiment, phase, visitor, variant, ts, id${bySegment ? ", segments" : ""}${
    groupWanted ? `, ${groupExpression(grouping)} AS grp` : ""
  }
  FROM ${events} WHERE type = 'exposure'${filters})`;
  const ctes = [
    ...(deduplicated
      ? []
      : [
          `events_once AS (
  SELECT id, type, ts, visitor, experiment, variant, phase, device, country, source, segments, goal, value, currency,
    order_id, reported_by${period}
  FROM (SELECT e.*, ROW_NUMBER() OVER (PARTITION BY id ORDER BY ts, visitor) AS copy_rank FROM ${source} e) copies
  WHERE copy_rank = 1)`,
        ]),
    // Rules 2 and 3: the earliest exposure (ts, then id) fixes arm, time and group; two arms make a crossover. One
    // GROUP BY per visitor and phase, which every engine runs in parallel, instead of a window sorting every exposure.
    // Most visitors' exposures all agree (one arm, one group): theirs are settled by MIN. Only the others — and the
    // visitors who may be their arm's first, whose id orders the arms — look up their first exposure again.
    // The input counts and the phase's time span come from here too.
    `visitor_exposures AS (
  SELECT experiment, phase, visitor, MIN(ts) AS first_ts, MAX(ts) AS last_ts, COUNT(*) AS exposures,
    MIN(variant) AS variant,${fixed.map((column) => ` MIN(${column}) AS ${column},`).join("")}
    CASE WHEN MIN(variant) <> MAX(variant) THEN 1 ELSE 0 END AS crossover,
    CASE WHEN ${["variant", ...fixed].map(agree).join(" AND ")} THEN 1 ELSE 0 END AS settled
  FROM ${exposures} x GROUP BY experiment, phase, visitor)`,
    `candidates AS (
  SELECT experiment, phase, visitor, first_ts FROM visitor_exposures WHERE settled = 0
  UNION ALL
  SELECT v.experiment, v.phase, v.visitor, v.first_ts
  FROM visitor_exposures v JOIN (SELECT experiment, phase, variant, MIN(first_ts) AS first_ts FROM visitor_exposures
    WHERE settled = 1 GROUP BY experiment, phase, variant) s
  ON s.experiment = v.experiment AND s.phase = v.phase AND s.variant = v.variant AND s.first_ts = v.first_ts
  WHERE v.settled = 1)`,
    `first_rows AS (
  SELECT experiment, phase, visitor, variant, ts, id${fixed.map((column) => `, ${column}`).join("")} FROM (
    SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.experiment, x.phase, x.visitor ORDER BY x.id) AS exposure_rank
    FROM ${exposures} x JOIN candidates c
    ON c.experiment = x.experiment AND c.phase = x.phase AND c.visitor = x.visitor AND c.first_ts = x.ts) ranked
  WHERE exposure_rank = 1)`,
    `firsts AS (
  SELECT v.experiment, v.phase, v.visitor, CASE WHEN v.settled = 1 THEN v.variant ELSE r.variant END AS variant,
    v.first_ts, v.last_ts, v.exposures,
    ${bySegment ? "CASE WHEN v.settled = 1 THEN v.segments ELSE r.segments END" : `CAST(NULL AS ${d.types.text})`} AS segments,
    v.crossover, ${exclude ? "1 - v.crossover" : "1"} AS counted,
    ${groupWanted ? asGroup("CASE WHEN v.settled = 1 THEN v.grp ELSE r.grp END") : "''"} AS grp
  FROM visitor_exposures v LEFT JOIN first_rows r
  ON r.experiment = v.experiment AND r.phase = v.phase AND r.visitor = v.visitor)`,
    // Every count over visitors, in one pass over them: per arm, group and day of first exposure. What reads
    // visitors after this reads these few rows.
    `arm_days AS (
  SELECT experiment, phase, variant, grp, ${d.day("first_ts")} AS day, SUM(counted) AS visitors,
    SUM(crossover) AS crossovers, SUM(exposures) AS exposures, MIN(first_ts) AS first_ts, MAX(last_ts) AS last_ts
  FROM firsts GROUP BY experiment, phase, variant, grp, ${d.day("first_ts")})`,
    `conversions_read AS (
  SELECT id, ts, visitor, goal, value, currency, order_id, reported_by FROM ${events} WHERE type = 'conversion')`,
    // A value above the event schema's cap is a unit or test-data mistake: skipped and counted, as the readers do.
    `conversions_valid AS (SELECT * FROM conversions_read WHERE value IS NULL OR value <= ${MAX_VALUE})`,
    // Rule 4: an order counts once, from its winning report: the shop backend's if any, else the earliest. Only
    // conversions with an order id are ranked (a NULL order id would make one partition of all the others).
    `ranked_conversions AS (
  SELECT c.*, ROW_NUMBER() OVER (PARTITION BY goal, order_id
    ORDER BY CASE WHEN reported_by = 'server' THEN 0 ELSE 1 END, ts, id) AS order_rank
  FROM conversions_valid c WHERE order_id IS NOT NULL
  UNION ALL
  SELECT c.*, 1 AS order_rank FROM conversions_valid c WHERE order_id IS NULL)`,
    // Each conversion report of an exposed visitor, once for each phase they were exposed in: the one join of
    // conversions with visitors.
    `visits AS (
  SELECT f.experiment, f.phase, f.visitor, f.variant, f.counted, f.grp, f.first_ts, c.goal, c.ts, c.value,
    c.currency, c.order_rank
  FROM firsts f JOIN ranked_conversions c ON c.visitor = f.visitor)`,
    `exposed AS (SELECT DISTINCT visitor FROM visits)`,
    `start_at AS (SELECT MIN(first_ts)${lookback === undefined ? "" : ` - ${lookback}`} AS start_ts FROM arm_days)`,
    // The conversions the streaming reader reads: from the earliest exposure (less the CUPED lookback) on.
    `read_conversions AS (
  SELECT c.ts, c.order_id, c.order_rank, CASE WHEN x.visitor IS NULL THEN 0 ELSE 1 END AS exposed
  FROM ranked_conversions c ${conversionsRead.join} LEFT JOIN exposed x ON x.visitor = c.visitor${whereOf(conversionsRead.where)})`,
    // Rules 5, 6 and 8: each visitor's conversions per phase and goal, after exposure (in the window) and before.
    `joined AS (
  SELECT experiment, phase, visitor, variant, counted, grp, first_ts, goal, ts, value, currency,
    CASE WHEN ${post} THEN 1 ELSE 0 END AS post
  FROM visits WHERE order_rank = 1 AND ${joinRange})`,
    `attributed AS (
  SELECT experiment, phase, visitor, variant, counted, grp, goal,
    SUM(post) AS orders,
    SUM(CASE WHEN post = 1 THEN COALESCE(value, 0) ELSE 0 END) AS revenue,
    MAX(CASE WHEN post = 1 AND value IS NOT NULL THEN 1 ELSE 0 END) AS valued,
    MIN(CASE WHEN post = 1 THEN ts END) AS first_conversion,
    MAX(CASE WHEN post = 1 THEN ts END) AS last_conversion,
    SUM(1 - post) AS pre_orders,
    SUM(CASE WHEN post = 0 THEN COALESCE(value, 0) ELSE 0 END) AS pre_revenue
  FROM joined GROUP BY experiment, phase, visitor, variant, counted, grp, goal)`,
  ];
  if (capping) {
    // Rule 7: the P-th percentile (type 7) of per-visitor revenue over counted visitors with revenue, arms pooled.
    ctes.push(
      `buyers AS (
  SELECT experiment, phase, goal, revenue,
    ROW_NUMBER() OVER (PARTITION BY experiment, phase, goal ORDER BY revenue) - 1 AS k,
    COUNT(*) OVER (PARTITION BY experiment, phase, goal) AS n
  FROM attributed WHERE revenue > 0 AND counted = 1)`,
      `cap_points AS (
  SELECT experiment, phase, goal, MAX(n) AS n,
    MAX(CASE WHEN k = ${d.floor(`(n - 1) * ${percentile}`)} THEN revenue END) AS low_value,
    MAX(CASE WHEN k = ${d.floor(`(n - 1) * ${percentile}`)} + 1 THEN revenue END) AS high_value
  FROM buyers GROUP BY experiment, phase, goal)`,
      `caps AS (
  SELECT experiment, phase, goal,
    low_value + ((n - 1) * ${percentile} - ${d.floor(`(n - 1) * ${percentile}`)}) * (COALESCE(high_value, low_value) - low_value) AS cap
  FROM cap_points)`,
    );
  }
  ctes.push(
    `visitor_goals AS (
  SELECT a.*, ${double(capped("a.revenue"))} AS rev, ${double(capped("a.pre_revenue"))} AS pre_rev
  FROM attributed a${capping ? " LEFT JOIN caps cp ON cp.experiment = a.experiment AND cp.phase = a.phase AND cp.goal = a.goal" : ""})`,
  );
  if (bySegment) {
    ctes.push(
      `visitor_groups AS (
  ${d.segmentRows("firsts")}
  UNION ALL
  SELECT experiment, phase, visitor, variant, counted, '(none)' AS grp FROM firsts
  WHERE segments IS NULL OR segments = '[]')`,
    );
  }

  const goalSums = {
    converters: "SUM(CASE WHEN g.orders > 0 THEN 1 ELSE 0 END)",
    orders: "SUM(g.orders)",
    revenue: "SUM(g.rev)",
    revenue_squares: "SUM(g.rev * g.rev)",
    orders_squares: `SUM(${double("g.orders")} * g.orders)`,
    revenue_orders: "SUM(g.rev * g.orders)",
    pre_converters: "SUM(CASE WHEN g.pre_orders > 0 THEN 1 ELSE 0 END)",
    pre_converters_converted: "SUM(CASE WHEN g.pre_orders > 0 AND g.orders > 0 THEN 1 ELSE 0 END)",
    pre_revenue: "SUM(CASE WHEN g.pre_orders > 0 THEN g.pre_rev ELSE 0 END)",
    pre_revenue_squares: "SUM(CASE WHEN g.pre_orders > 0 THEN g.pre_rev * g.pre_rev ELSE 0 END)",
    revenue_pre_revenue: "SUM(CASE WHEN g.pre_orders > 0 THEN g.pre_rev * g.rev ELSE 0 END)",
  } as const;

  const branches = [
    branch(d, { kind: "'query'", options: d.stringLiteral(JSON.stringify(header)) }, ""),
    // What was read, as the streaming reader counts it. Joins of one-row aggregates rather than scalar subqueries
    // in the select list or CROSS JOIN, which some SQL parsers refuse.
    branch(
      d,
      {
        kind: "'input'",
        exposures: "x.exposures",
        conversions: "c.conversions",
        unattributed: "COALESCE(c.unattributed, 0)",
        duplicate_orders: "COALESCE(c.duplicate_orders, 0)",
        values_over_cap: "o.values_over_cap",
        first_ts: "x.first_ts",
        last_ts: "CASE WHEN c.last_ts IS NULL OR x.last_ts >= c.last_ts THEN x.last_ts ELSE c.last_ts END",
      },
      `FROM (SELECT COALESCE(SUM(exposures), 0) AS exposures, MIN(first_ts) AS first_ts, MAX(last_ts) AS last_ts
    FROM arm_days) x,
  (SELECT COUNT(*) AS conversions, SUM(1 - exposed) AS unattributed,
    SUM(CASE WHEN exposed = 1 AND order_id IS NOT NULL AND order_rank > 1 THEN 1 ELSE 0 END) AS duplicate_orders,
    MAX(ts) AS last_ts
  FROM read_conversions) c,
  (SELECT COUNT(*) AS values_over_cap FROM conversions_read e ${overCapRead.join}
  ${whereOf([...overCapRead.where, `e.value > ${MAX_VALUE}`]).trimStart()}) o`,
    ),
    // One row per phase: its first and last counted event (exposures, and conversions after exposure in the window).
    branch(
      d,
      {
        kind: "'phase'",
        experiment: "experiment",
        phase: "phase",
        first_ts: "MIN(low)",
        last_ts: "MAX(high)",
        crossovers: "SUM(crossover)",
      },
      `FROM (SELECT experiment, phase, first_ts AS low, last_ts AS high, crossovers AS crossover FROM arm_days
  UNION ALL SELECT experiment, phase, first_conversion, last_conversion, 0 FROM attributed
  WHERE first_conversion IS NOT NULL) t
GROUP BY experiment, phase`,
    ),
    // The arms, in the order their first visitor arrived (ts, then id), as the streaming pass meets them.
    branch(
      d,
      {
        kind: "'arm'",
        experiment: "experiment",
        phase: "phase",
        variant: "variant",
        position: "ROW_NUMBER() OVER (PARTITION BY experiment, phase ORDER BY first_ts, first_id)",
        visitors: "visitors",
        crossovers: "crossovers",
      },
      // Each arm's earliest first exposure (ts, then id): the visitors first exposed at that time are candidates,
      // so their first exposures, ids included, are in first_rows.
      `FROM (SELECT a.experiment, a.phase, a.variant, a.visitors, a.crossovers, a.first_ts, MIN(r.id) AS first_id
  FROM (SELECT experiment, phase, variant, SUM(visitors) AS visitors, SUM(crossovers) AS crossovers,
      MIN(first_ts) AS first_ts
    FROM arm_days GROUP BY experiment, phase, variant) a
  JOIN first_rows r ON r.experiment = a.experiment AND r.phase = a.phase AND r.variant = a.variant
    AND r.ts = a.first_ts
  GROUP BY a.experiment, a.phase, a.variant, a.visitors, a.crossovers, a.first_ts) arms`,
    ),
    // The goals seen in each phase (after exposure or in the CUPED lookback), whether any carried a value.
    branch(
      d,
      { kind: "'goal'", experiment: "experiment", phase: "phase", goal: "goal", valued: "MAX(valued)" },
      "FROM attributed GROUP BY experiment, phase, goal",
    ),
    branch(
      d,
      { kind: "'currency'", experiment: "experiment", phase: "phase", goal: "goal", currency: "currency" },
      `FROM joined WHERE post = 1 AND value IS NOT NULL AND currency IS NOT NULL AND currency <> ''
GROUP BY experiment, phase, goal, currency`,
    ),
    // Rule 9: the sums per arm and goal, over counted visitors.
    branch(
      d,
      {
        kind: "'arm_goal'",
        experiment: "g.experiment",
        phase: "g.phase",
        variant: "g.variant",
        goal: "g.goal",
        ...goalSums,
      },
      "FROM visitor_goals g WHERE g.counted = 1 GROUP BY g.experiment, g.phase, g.variant, g.goal",
    ),
    // The daily cumulative chart: counted visitors by the day of their first exposure, converters by the day of
    // their first counted conversion (UTC day numbers; the caller counts from the phase's first day).
    branch(
      d,
      {
        kind: "'day'",
        experiment: "experiment",
        phase: "phase",
        variant: "variant",
        day: "day",
        visitors: "SUM(visitors)",
      },
      "FROM arm_days GROUP BY experiment, phase, variant, day HAVING SUM(visitors) > 0",
    ),
    branch(
      d,
      {
        kind: "'day_goal'",
        experiment: "experiment",
        phase: "phase",
        variant: "variant",
        goal: "goal",
        day: d.day("first_conversion"),
        converters: "COUNT(*)",
      },
      `FROM attributed WHERE counted = 1 AND orders > 0
GROUP BY experiment, phase, variant, goal, ${d.day("first_conversion")}`,
    ),
  ];
  if (capping) {
    branches.push(
      branch(
        d,
        {
          kind: "'cap'",
          experiment: "c.experiment",
          phase: "c.phase",
          goal: "c.goal",
          cap: "MAX(c.cap)",
          capped: "SUM(CASE WHEN b.revenue > c.cap THEN 1 ELSE 0 END)",
        },
        `FROM caps c JOIN buyers b ON b.experiment = c.experiment AND b.phase = c.phase AND b.goal = c.goal
GROUP BY c.experiment, c.phase, c.goal`,
      ),
    );
  }
  if (byGroup) {
    branches.push(
      branch(
        d,
        {
          kind: "'group_arm'",
          experiment: "experiment",
          phase: "phase",
          variant: "variant",
          grp: "grp",
          visitors: bySegment ? "COUNT(*)" : "SUM(visitors)",
        },
        bySegment
          ? "FROM visitor_groups WHERE counted = 1 GROUP BY experiment, phase, variant, grp"
          : "FROM arm_days GROUP BY experiment, phase, variant, grp HAVING SUM(visitors) > 0",
      ),
      branch(
        d,
        {
          kind: "'group_arm_goal'",
          experiment: "g.experiment",
          phase: "g.phase",
          variant: "g.variant",
          grp: bySegment ? "v.grp" : "g.grp",
          goal: "g.goal",
          ...goalSums,
        },
        // A visitor is in one group, which their goal rows carry; only audiences (several a visitor) need the join.
        bySegment
          ? `FROM visitor_groups v JOIN visitor_goals g ON g.experiment = v.experiment AND g.phase = v.phase AND g.visitor = v.visitor
WHERE v.counted = 1 GROUP BY g.experiment, g.phase, g.variant, v.grp, g.goal`
          : "FROM visitor_goals g WHERE g.counted = 1 GROUP BY g.experiment, g.phase, g.variant, g.grp, g.goal",
      ),
    );
  }
  const union = branches.join("\nUNION ALL\n");
  const order = "ORDER BY kind, experiment, phase, variant, grp, goal, currency, day";
  return `-- Stylist report statistics (${STATS_SCHEMA}, ${d.name}); run it and pass the rows to \`stylist report --stats FILE\`.
WITH
${ctes.join(",\n")}
${d.orderInSubquery ? `SELECT * FROM (\n${union}\n) stats\n${order}` : `${union}\n${order}`}${d.settings ? `\n${d.settings}` : ""}`;
}
