import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveEvents } from "../../src/cli/archive/archive-events.ts";
import { armStatistics } from "../../src/cli/archive/arm-stats.ts";
import { type ArchiveReader, openArchive } from "../../src/cli/archive/duckdb-archive.ts";
import { aggregate } from "../../src/report/aggregate.ts";
import { DAY, generatedTraffic, writeArchive } from "../support/archive-events.ts";

/**
 * The per-arm sufficient statistics computed in SQL by DuckDB equal the streaming aggregator's on the same archive:
 * crossovers, repeated ids (redelivered batches), repeated orders, conversions before exposure, with and without a
 * window. Sums of integers, so equal exactly, not to a tolerance.
 */
const SLOW = 120_000;
const dir = mkdtempSync(join(tmpdir(), "stylist-arm-stats-"));
let archive: ArchiveReader;
beforeAll(async () => {
  writeArchive(dir, generatedTraffic(1_000, 5), 250, 0.3);
  archive = await openArchive([dir]);
}, SLOW);
afterAll(() => {
  archive?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function fromAggregator(windowMs?: number) {
  const result = await aggregate(archiveEvents(archive), windowMs === undefined ? {} : { windowMs });
  const arms = [];
  const goals = [];
  for (const segment of result.segments) {
    for (const [variant, arm] of segment.arms) {
      arms.push({
        experiment: segment.experiment,
        phase: segment.phase,
        variant,
        visitors: arm.visitors,
        crossovers: 0,
      });
      for (const [goal, sums] of arm.goals) {
        if (sums.converters === 0) continue;
        goals.push({
          experiment: segment.experiment,
          phase: segment.phase,
          variant,
          goal,
          converters: sums.converters,
          orders: sums.orders,
          revenue: sums.revenue,
          revenue_squares: sums.revenueSquares,
          orders_squares: sums.ordersSquares,
          revenue_orders: sums.revenueOrders,
          valued: sums.valued,
        });
      }
    }
  }
  const crossovers = new Map(result.segments.map((s) => [`${s.experiment}/${s.phase}`, s.crossovers]));
  return { arms, goals, crossovers };
}

const byKey = <T extends { experiment: string; phase: number; variant: string; goal?: string }>(rows: T[]) =>
  [...rows].sort((a, b) =>
    `${a.experiment}/${a.phase}/${a.variant}/${a.goal ?? ""}`.localeCompare(
      `${b.experiment}/${b.phase}/${b.variant}/${b.goal ?? ""}`,
    ),
  );

describe("the report's sufficient statistics in SQL", () => {
  for (const windowMs of [undefined, DAY / 2]) {
    it(
      `equal the streaming aggregator's${windowMs === undefined ? "" : " with a 12-hour window"}`,
      async () => {
        const sql = await armStatistics(archive, windowMs === undefined ? {} : { windowMs });
        const streamed = await fromAggregator(windowMs);
        const crossovers = new Map<string, number>();
        for (const row of sql.arms)
          crossovers.set(
            `${row.experiment}/${row.phase}`,
            (crossovers.get(`${row.experiment}/${row.phase}`) ?? 0) + row.crossovers,
          );
        expect(crossovers).toEqual(streamed.crossovers);
        expect([...crossovers.values()].some((n) => n > 0)).toBe(true);
        // An arm whose every visitor crossed over still has a row in SQL; the aggregator keeps it with zero visitors.
        expect(byKey(sql.arms.map((row) => ({ ...row, crossovers: 0 })))).toEqual(byKey(streamed.arms));
        expect(byKey(sql.goals)).toEqual(byKey(streamed.goals));
        expect(streamed.goals.some((row) => row.revenue > 0)).toBe(true);
      },
      SLOW,
    );
  }
});
