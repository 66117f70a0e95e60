/**
 * `stylist forget VISITOR --sql ENGINE`: the statements that erase one visitor from a table the CLI cannot reach —
 * the Iceberg table the Pipelines sink writes (R2 Data Catalog), or a warehouse copy of the archive. A row-level
 * DELETE alone is not erasure on these engines: the old data files stay in storage for time travel until the
 * table's history lets them go, so each engine's text ends with what makes the rows leave storage, and says how long
 * that takes (docs/analytics.md "Erasure and retention").
 */

import { dialects } from "../../report/sql/dialects.ts";
import { CLIError, EXIT } from "../errors.ts";

export const ERASURE_ENGINES = ["spark", "trino", "snowflake", "bigquery", "clickhouse"] as const;
export type ErasureEngine = (typeof ERASURE_ENGINES)[number];

/** The Iceberg table the docs name for the Pipelines sink; a warehouse table otherwise. */
export function defaultErasureTable(engine: ErasureEngine): string {
  return engine === "spark" || engine === "trino" ? "r2.stylist.events" : "stylist_events";
}

/** A dotted table name, quoted or not; nothing that could end the statement. */
export function checkedTableName(table: string): string {
  if (!/^[A-Za-z0-9_.`"$-]+$/.test(table) || table.startsWith(".") || table.endsWith("."))
    throw new CLIError(
      `--table takes a table name (catalog.schema.table, project.dataset.table), not "${table}"`,
      EXIT.invalid,
    );
  return table;
}

/** Spark's procedures live in a catalog's `system` namespace and name the table without the catalog. */
function sparkProcedureParts(table: string): { system: string; table: string } {
  const parts = table.split(".");
  if (parts.length < 3) return { system: "system", table };
  return { system: `${parts[0]}.system`, table: parts.slice(1).join(".") };
}

/** The statements, with `--` comments saying why each is needed and when the rows are gone. */
export function erasureStatements(engine: ErasureEngine, visitor: string, table: string, now: Date): string {
  if (!/^[0-9a-f]{32}$/.test(visitor)) throw new CLIError("a visitor id is 32 hex characters", EXIT.invalid);
  checkedTableName(table);
  // Each engine's own string constant (a doubled quote is no escape in Spark or BigQuery).
  const literal = dialects[engine].stringLiteral;
  const match = `visitor = ${literal(visitor)}`;
  const head = `-- stylist forget ${visitor} on ${engine}: every event of this visitor, from ${table}.`;
  switch (engine) {
    case "spark": {
      const procedure = sparkProcedureParts(table);
      // A time after the DELETE: with retain_last => 1 every snapshot but the newest expires, so no snapshot
      // committed between printing and running (the pipeline keeps committing) still holds the rows.
      const later = new Date(now.getTime() + 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
      return `${head}
-- Iceberg through Spark with Iceberg's SQL extensions. Run the three in order.
-- 1. The row-level delete: copy-on-write rewrites each data file that held the rows; merge-on-read writes a
--    position delete file instead and leaves the rows in the data file.
DELETE FROM ${table} WHERE ${match};
-- 2. Rewrite every data file that now has a delete file (and, as compaction does, groups of small files), so no
--    current data file holds the rows.
CALL ${procedure.system}.rewrite_data_files(table => ${literal(procedure.table)}, options => map('delete-file-threshold', '1'));
-- 3. Older snapshots still reference the old files (time travel): expire all but the newest, which deletes those
--    files from storage. Erasure is complete when this returns.
CALL ${procedure.system}.expire_snapshots(table => ${literal(procedure.table)}, older_than => TIMESTAMP '${later}', retain_last => 1);
`;
    }
    case "trino":
      return `${head}
-- Iceberg through Trino's Iceberg connector. Run the three in order.
-- 1. The row-level delete: Trino writes position delete files; the rows stay in the data files for now.
DELETE FROM ${table} WHERE ${match};
-- 2. Rewrite the data files without the deleted rows. optimize filters only on partition columns, so this
--    threshold rewrites every data file: the whole table.
ALTER TABLE ${table} EXECUTE optimize(file_size_threshold => '1TB');
-- 3. Expire the snapshots that still reference the old files, which deletes them from storage. A threshold under
--    the catalog's iceberg.expire-snapshots.min-retention (7d by default) is refused: set it to 0s for erasure,
--    or run this with '7d' seven days later (the erasure latency is then 7 days).
ALTER TABLE ${table} EXECUTE expire_snapshots(retention_threshold => '0s');
`;
    case "snowflake":
      return `${head}
DELETE FROM ${table} WHERE ${match};
-- The changed micro-partitions stay for Time Travel (the table's DATA_RETENTION_TIME_IN_DAYS: 1 day by default, up
-- to 90) and then 7 days of Fail-safe (a permanent table; a transient one has none): the rows leave storage that
-- long after the DELETE. To shorten Time Travel for this table (it applies to all its history):
--   ALTER TABLE ${table} SET DATA_RETENTION_TIME_IN_DAYS = 0;
-- On a Snowflake-managed Iceberg table the same retention expires its snapshots; on an externally managed one
-- (R2 Data Catalog) expire them with Spark or Trino (stylist forget ${visitor} --sql spark).
`;
    case "bigquery":
      return `${head}
DELETE FROM ${table} WHERE ${match};
-- Deleted rows stay for time travel (the dataset's max_time_travel_hours: 168 by default, 48 at least) and then 7
-- days of fail-safe: they leave storage 9 to 14 days after the DELETE. To shorten time travel for the dataset:
--   ALTER SCHEMA <dataset> SET OPTIONS (max_time_travel_hours = 48);
-- Rows still in the streaming buffer (streamed in the last ~30 minutes) cannot be deleted yet: run it again later.
`;
    case "clickhouse":
      return `${head}
-- A mutation, not a lightweight DELETE FROM: that one only hides rows until their parts happen to merge.
-- mutations_sync = 2 waits until every replica has rewritten the parts that held the rows.
SET mutations_sync = 2;
ALTER TABLE ${table} DELETE WHERE ${match};
-- The replaced parts are removed once no query reads them (old_parts_lifetime: 8 minutes by default): erasure
-- within minutes of the mutation. ClickHouse reading the Iceberg table itself (icebergS3) cannot delete: erase
-- there with Spark or Trino.
`;
  }
}
