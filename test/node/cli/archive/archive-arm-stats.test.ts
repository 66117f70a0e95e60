import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveEvents } from "../../../../src/cli/archive/archive-events.ts";
import { armStatistics } from "../../../../src/cli/archive/arm-stats.ts";
import { type ArchiveReader, openArchive } from "../../../../src/cli/archive/duckdb-archive.ts";
import { aggregate } from "../../../../src/report/aggregate.ts";
import { DAY, generatedTraffic, writeArchive } from "../../../support/archive-events.ts";

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

async function fromAggregator(windowMs: number | undefined, crossovers: "first-exposure" | "exclude") {
  const result = await aggregate(archiveEvents(archive), {
    ...(windowMs === undefined ? {} : { windowMs }),
    crossovers,
  });
  const arms = [];
  const goals = [];
  for (const segment of result.segments) {
    for (const [variant, arm] of segment.arms) {
      arms.push({
        experiment: segment.experiment,
        phase: segment.phase,
        variant,
        visitors: arm.visitors,
        crossovers: segment.crossoversByArm.get(variant) ?? 0,
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
  return { arms, goals };
}

const byKey = <T extends { experiment: string; phase: number; variant: string; goal?: string }>(rows: T[]) =>
  [...rows].sort((a, b) =>
    `${a.experiment}/${a.phase}/${a.variant}/${a.goal ?? ""}`.localeCompare(
      `${b.experiment}/${b.phase}/${b.variant}/${b.goal ?? ""}`,
    ),
  );

describe("the report's sufficient statistics in SQL", () => {
  for (const crossovers of ["first-exposure", "exclude"] as const)
    for (const windowMs of [undefined, DAY / 2]) {
      it(
        `equal the streaming aggregator's, crossovers ${crossovers}${windowMs === undefined ? "" : ", a 12-hour window"}`,
        async () => {
          const sql = await armStatistics(archive, {
            crossovers,
            ...(windowMs === undefined ? {} : { windowMs }),
          });
          const streamed = await fromAggregator(windowMs, crossovers);
          expect(sql.arms.some((row) => row.crossovers > 0)).toBe(true);
          expect(byKey(sql.arms)).toEqual(byKey(streamed.arms));
          expect(byKey(sql.goals)).toEqual(byKey(streamed.goals));
          expect(streamed.goals.some((row) => row.revenue > 0)).toBe(true);
        },
        SLOW,
      );
    }
});
