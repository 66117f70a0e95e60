import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDuckDB } from "../../../../src/cli/archive/duckdb-archive.ts";
import { generatedTraffic, writeArchive } from "../../../support/archive-events.ts";
import { aggregatedPurchases, queriedPurchases } from "../../../support/arm-purchases.ts";
import { ROOT } from "../../../support/run-cli.ts";

/**
 * docs/analytics.md's DuckDB queries, run as printed against an archive written as the R2 sink writes it (with
 * redelivered batches and repeated orders), agree with the report's aggregator on visitors, converters and revenue.
 */
const SLOW = 120_000;
const dir = mkdtempSync(join(tmpdir(), "stylist-queries-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function documentedDuckDbSql(): string[] {
  const doc = readFileSync(join(ROOT, "docs", "analytics.md"), "utf8");
  const section = doc.slice(doc.indexOf("### DuckDB"));
  const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("docs/analytics.md has no DuckDB sql block");
  return block
    .split(/;\s*\n/)
    .map((statement) =>
      statement
        .split("\n")
        .filter((line) => !line.trim().startsWith("--"))
        .join("\n")
        .trim(),
    )
    .filter(Boolean);
}

describe("the documented DuckDB queries", () => {
  it(
    "give the aggregator's visitors, converters and revenue per arm",
    async () => {
      const events = generatedTraffic(600, 11);
      writeArchive(dir, events, 150, 0.3);
      const [view, exposed, conversions, byArm, funnel] = documentedDuckDbSql();
      const duck = await openDuckDB();
      let rows: Array<Record<string, unknown>>;
      try {
        // The documented path, relative to where `stylist archive pull --out archive` was run: here, `dir`.
        const here = (view as string).replace("'archive/events/", `'${join(dir, "events")}/`);
        expect(here).not.toBe(view);
        for (const statement of [here, exposed, conversions]) await duck.connection.run(statement as string);
        rows = (await duck.connection.runAndReadAll(byArm as string)).getRowObjectsJS();
        // The funnel names the demo's experiment, absent here: it must run, and find nothing.
        expect((await duck.connection.runAndReadAll(funnel as string)).getRowObjectsJS()).toEqual([]);
      } finally {
        duck.close();
      }
      const expected = await aggregatedPurchases(dir);
      expect(queriedPurchases(rows, "converters")).toEqual(expected);
      expect(expected.some((row) => row.revenue > 0)).toBe(true);
    },
    SLOW,
  );
});
