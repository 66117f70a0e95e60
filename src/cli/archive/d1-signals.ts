import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ConversionRow, conversionFromRow } from "../../sink/rows.ts";
import { CLIError, EXIT } from "../errors.ts";
import type { SqlRunner } from "../stores/types.ts";
import { type ArchiveReader, openArchive } from "./duckdb-archive.ts";

const PAGE = 5_000;

/** D1's conversions that name products, newest window first, as NDJSON DuckDB reads like any archive file. */
export async function withD1Signals<T>(
  sink: SqlRunner,
  use: (archive: ArchiveReader) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "stylist-recs-"));
  try {
    const file = join(dir, "signals.ndjson");
    const lines: string[] = [];
    let after = { ts: -1, id: "" };
    for (;;) {
      const rows = await sink.query<ConversionRow>(
        `SELECT * FROM conversions WHERE products IS NOT NULL AND (ts > ?1 OR (ts = ?1 AND id > ?2))
         ORDER BY ts, id LIMIT ?3`,
        [after.ts, after.id, PAGE],
      );
      for (const row of rows) lines.push(JSON.stringify(conversionFromRow(row)));
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) break;
      after = { ts: last.ts, id: last.id };
    }
    if (lines.length === 0)
      throw new CLIError(
        "no product signals in D1 yet: product pages need a URL goal and a product taxonomy entry, basket adds and orders need `products` (docs/recommendations.md)",
        EXIT.failed,
      );
    writeFileSync(file, `${lines.join("\n")}\n`);
    const archive = await openArchive([file]);
    try {
      return await use(archive);
    } finally {
      archive.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
