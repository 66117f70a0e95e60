import { type StatsQueryOptions, statsQuery } from "../../report/sql/stats-query.ts";
import { resultOfStatsRows } from "../../report/sql/stats-rows.ts";
import type { ArchiveReader } from "./duckdb-archive.ts";

/**
 * The report's sufficient statistics computed by DuckDB over the archive view, in one query
 * (src/report/sql/stats-query.ts): what `stylist report` reads from an archive by default, instead of streaming
 * every event through Node. Memory and time are DuckDB's; Node receives a few hundred rows.
 */
export async function archiveStatistics(archive: ArchiveReader, options: StatsQueryOptions) {
  const rows = await archive.query(statsQuery("duckdb", "archive", options));
  return resultOfStatsRows(rows);
}
