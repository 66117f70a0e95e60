import { parquetWriteBuffer } from "hyparquet-writer";
import { ARCHIVE_COLUMNS, ARCHIVE_SCHEMA_VERSION, type ArchiveRow } from "./archive-row.ts";

/**
 * Rows as one Parquet file (Snappy, hyparquet-writer's built-in codec: pure JavaScript, so it runs in workerd with no
 * WebAssembly to load). One row group per file: a consumer batch is at most 100 messages × 100 events, and
 * `stylist archive compact` rewrites a day's small files into one zstd file with DuckDB.
 */
export function parquetOf(rows: readonly ArchiveRow[]): Uint8Array {
  const columnData = ARCHIVE_COLUMNS.map((column) => {
    const values = rows.map((row) => row[column.name]);
    return {
      name: column.name,
      type: column.type,
      nullable: !column.required,
      data:
        column.type === "INT64"
          ? values.map((value) => (value === null ? null : BigInt(value as number)))
          : values,
    };
  });
  const buffer = parquetWriteBuffer({
    columnData,
    codec: "SNAPPY",
    rowGroupSize: Math.max(1, rows.length),
    kvMetadata: [{ key: "stylist.archive.schema_version", value: String(ARCHIVE_SCHEMA_VERSION) }],
    createdBy: "stylist",
  });
  return new Uint8Array(buffer);
}
