import { DEVICE_CLASSES } from "../../core/schema/audience.ts";
import { type StatsQueryOptions, statsQuery } from "../../report/sql/stats-query.ts";
import { resultOfStatsRows } from "../../report/sql/stats-rows.ts";
import { CLIError, EXIT } from "../errors.ts";
import type { ArchiveReader } from "./duckdb-archive.ts";

const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(", ");

/**
 * What EventSchema says about the columns the statistics read, as SQL: the first failing check names the column. The
 * streamed path validates every field of every row in Node; this checks, in the same scan DuckDB makes anyway, the
 * ones that change a figure, so a file with a bad row is refused on both paths instead of counted on one. Every
 * stored row is checked, copies of an id included.
 */
const INVALID_ROW = `SELECT * FROM (SELECT id, CASE
    WHEN id IS NULL OR NOT regexp_full_match(id, '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}') THEN 'id: not a UUID'
    WHEN type IS NULL OR type NOT IN ('exposure', 'miss', 'conversion') THEN 'type: not exposure, miss or conversion'
    WHEN ts IS NULL OR ts <= 0 THEN 'ts: not a positive time in milliseconds'
    WHEN visitor IS NULL OR NOT regexp_full_match(visitor, '[0-9a-f]{32}') THEN 'visitor: not 32 lowercase hex digits'
    WHEN type <> 'conversion' AND (experiment IS NULL OR experiment = '' OR length(experiment) > 63) THEN 'experiment: missing or too long'
    WHEN type <> 'conversion' AND (variant IS NULL OR variant = '' OR length(variant) > 63) THEN 'variant: missing or too long'
    WHEN type <> 'conversion' AND (phase IS NULL OR phase < 1) THEN 'phase: not a phase number'
    WHEN type <> 'conversion' AND (device IS NULL OR device NOT IN (${list(DEVICE_CLASSES)})) THEN 'device: not ${DEVICE_CLASSES.join(", ")}'
    WHEN type = 'conversion' AND (goal IS NULL OR NOT regexp_full_match(goal, '[a-z0-9][a-z0-9_-]{0,62}')) THEN 'goal: not a goal id'
    WHEN type = 'conversion' AND value < 0 THEN 'value: negative'
    WHEN type = 'conversion' AND order_id IS NOT NULL AND (order_id = '' OR length(order_id) > 100) THEN 'orderId: empty or too long'
    WHEN reported_by IS NOT NULL AND reported_by NOT IN ('page', 'browser', 'server') THEN 'reportedBy: not page, browser or server'
  END AS fault
  FROM archive_rows) checked WHERE fault IS NOT NULL LIMIT 1`;

/**
 * The report's sufficient statistics computed by DuckDB over the archive view, in one query
 * (src/report/sql/stats-query.ts): what `stylist report` reads from an archive by default, instead of streaming
 * every event through Node. Memory and time are DuckDB's; Node receives a few hundred rows.
 */
export async function archiveStatistics(archive: ArchiveReader, options: StatsQueryOptions) {
  const [invalid] = await archive.query<{ id: string | null; fault: string }>(INVALID_ROW);
  if (invalid)
    throw new CLIError(
      `archive event ${String(invalid.id)} is not a Stylist event: ${invalid.fault}`,
      EXIT.invalid,
    );
  const rows = await archive.query(statsQuery("duckdb", "archive", options, { deduplicated: true }));
  return resultOfStatsRows(rows);
}
