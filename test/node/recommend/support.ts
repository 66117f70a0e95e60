import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openArchive } from "../../../src/cli/archive/duckdb-archive.ts";
import type { CatalogueProduct } from "../../../src/core/schema/catalogue.ts";
import type { StylistEvent } from "../../../src/core/schema/event.ts";
import { type BuiltTable, buildTable } from "../../../src/recommend/build.ts";
import { DEFAULT_PARAMS, type RecommendParams } from "../../../src/recommend/params.ts";

export const DAY = 86_400_000;
export const NOW = Date.UTC(2026, 10, 30, 12);

/** Builds a table from these events through the archive reader the CLI uses (NDJSON read by DuckDB). */
export async function buildFrom(
  events: readonly StylistEvent[],
  catalogue: readonly CatalogueProduct[],
  params: Partial<RecommendParams> = {},
  clock = NOW,
): Promise<BuiltTable> {
  const dir = mkdtempSync(join(tmpdir(), "stylist-recs-"));
  try {
    const file = join(dir, "events.ndjson");
    writeFileSync(file, events.map((event) => JSON.stringify(event)).join("\n"));
    const archive = await openArchive([file]);
    try {
      return await buildTable(archive, catalogue, { ...DEFAULT_PARAMS, ...params }, clock);
    } finally {
      archive.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function product(
  slug: string,
  category: string,
  extra: Partial<CatalogueProduct> = {},
): CatalogueProduct {
  return { slug, name: slug, url: `/products/${slug}`, price: 1_000, currency: "GBP", category, ...extra };
}
