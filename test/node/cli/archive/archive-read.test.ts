import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  archiveActivity,
  archiveEvents,
  newestArchiveEvents,
} from "../../../../src/cli/archive/archive-events.ts";
import { archiveStatistics } from "../../../../src/cli/archive/archive-stats.ts";
import { openArchive } from "../../../../src/cli/archive/duckdb-archive.ts";
import { MAX_VALUE, type StylistEvent } from "../../../../src/core/schema/event.ts";
import { aggregate } from "../../../../src/report/aggregate.ts";
import { type SqlQuery, sinkEvents } from "../../../../src/report/sink-source.ts";
import type { AggregateResult } from "../../../../src/report/sums.ts";
import { insertOf } from "../../../../src/sink/rows.ts";
import { generatedTraffic, writeArchive } from "../../../support/archive-events.ts";
import { ROOT } from "../../../support/run-cli.ts";

/**
 * The archive read back with DuckDB feeds the report's aggregator the same stream as D1 does: same events in, the
 * same sufficient statistics out, whether the archive is Parquet (as the R2 sink writes it, with redelivered
 * batches) or NDJSON, and in whatever order the files hold the events.
 */
// DuckDB over a few hundred small files takes seconds on a loaded two-core machine: a generous limit, not a timing.
const SLOW = 120_000;
const dir = mkdtempSync(join(tmpdir(), "stylist-archive-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function d1Sink(events: readonly StylistEvent[]): SqlQuery {
  const db = new DatabaseSync(":memory:");
  const migrations = join(ROOT, "migrations");
  for (const file of readdirSync(migrations).sort()) db.exec(readFileSync(join(migrations, file), "utf8"));
  for (const event of events) {
    const { sql, params } = insertOf(event);
    db.prepare(sql).run(...params);
  }
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      return db.prepare(sql).all(...(params as (string | number | null)[])) as Row[];
    },
  };
}

/**
 * The same figures: every segment (arms, goals, daily counts) and the as-of time. The input counts differ by design:
 * D1 drops a repeated order at insert and folds a visitor's repeat exposures into one row (migration 0004), while
 * the archive keeps every event for the aggregator to count.
 */
function expectSameFigures(fromArchive: AggregateResult, fromD1: AggregateResult) {
  expect(fromArchive.segments).toEqual(fromD1.segments);
  expect(fromArchive.lastTs).toBe(fromD1.lastTs);
}

const events = generatedTraffic(800);
const shuffled = [...events].sort((a, b) => a.id.localeCompare(b.id));
const parquetDir = join(dir, "parquet");
let keys: string[] = [];
beforeAll(() => {
  keys = writeArchive(parquetDir, shuffled, 400, 0.3);
});

describe("reading the archive with DuckDB", () => {
  it(
    "gives the aggregator the same figures as the D1 sink for the same events, from Parquet with redelivered batches",
    async () => {
      expect(keys.length).toBeGreaterThan(10);
      const fromD1 = await aggregate(sinkEvents(d1Sink(events)), { windowMs: 2 * 86_400_000 });
      const archive = await openArchive([join(parquetDir, "events/**/*.parquet")]);
      try {
        const fromArchive = await aggregate(archiveEvents(archive), { windowMs: 2 * 86_400_000 });
        expectSameFigures(fromArchive, fromD1);
        expect(fromArchive.input.outOfOrder).toBe(0);
        expect(fromArchive.input.duplicateOrders).toBeGreaterThan(0);
      } finally {
        archive.close();
      }
    },
    SLOW,
  );

  it(
    "reads NDJSON in the event envelope and a directory of Parquet alike, removing repeated ids",
    async () => {
      const file = join(dir, "events.ndjson");
      writeFileSync(
        file,
        `${[...shuffled, ...shuffled.slice(0, 300)].map((e) => JSON.stringify(e)).join("\n")}\n`,
      );
      const fromD1 = await aggregate(sinkEvents(d1Sink(events)), { by: "device" });
      for (const source of [file, join(dir, "parquet")]) {
        const archive = await openArchive([source]);
        try {
          expectSameFigures(await aggregate(archiveEvents(archive), { by: "device" }), fromD1);
          const counted = await archive.query<{ n: bigint }>("SELECT count(*) AS n FROM archive");
          expect(Number(counted[0]?.n)).toBe(events.length);
        } finally {
          archive.close();
        }
      }
    },
    SLOW,
  );

  it(
    "keeps the earliest copy (ts, then visitor) of an id stored twice with different contents, and every other event",
    async () => {
      const [first, second] = events.filter((event) => event.type === "exposure");
      if (!first || !second) throw new Error("the generated traffic has exposures");
      // Copies that disagree (a replayed batch after a clock fix): the earlier one is the event.
      const later = { ...first, ts: first.ts + 60_000, visitor: second.visitor };
      const file = join(dir, "copies.ndjson");
      writeFileSync(file, `${[later, ...events, later].map((e) => JSON.stringify(e)).join("\n")}\n`);
      const archive = await openArchive([file]);
      try {
        const kept = await archive.query<{ ts: bigint; visitor: string; n: bigint }>(
          "SELECT min(ts) AS ts, min(visitor) AS visitor, count(*) AS n FROM archive WHERE id = $1",
          [first.id],
        );
        expect(kept).toEqual([{ ts: BigInt(first.ts), visitor: first.visitor, n: 1n }]);
        const counted = await archive.query<{ n: bigint; ids: bigint }>(
          "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM archive",
        );
        expect(counted).toEqual([{ n: BigInt(events.length), ids: BigInt(events.length) }]);
      } finally {
        archive.close();
      }
    },
    SLOW,
  );

  it(
    "filters by experiment and phase as the D1 reader does",
    async () => {
      const archive = await openArchive([join(dir, "parquet")]);
      try {
        const filter = { experiment: "usp", phase: 2 };
        const fromArchive = await aggregate(archiveEvents(archive, filter));
        const fromD1 = await aggregate(sinkEvents(d1Sink(events), filter));
        expectSameFigures(fromArchive, fromD1);
      } finally {
        archive.close();
      }
    },
    SLOW,
  );

  it(
    "lists the newest events for `stylist events` and the activity `stylist review` needs",
    async () => {
      const archive = await openArchive([join(dir, "parquet")]);
      try {
        const newest = await newestArchiveEvents(archive, {
          experiment: undefined,
          goal: "purchase",
          type: undefined,
          limit: 5,
        });
        const purchases = events
          .filter((e) => e.type === "conversion" && e.goal === "purchase")
          .sort((a, b) => b.ts - a.ts || a.id.localeCompare(b.id))
          .slice(0, 5);
        expect(newest).toEqual(purchases);
        const activity = await archiveActivity(archive, 0);
        const heroExposures = events.filter(
          (e) => e.type === "exposure" && e.experiment === "hero" && e.phase === 1,
        );
        expect(
          activity.find((row) => row.experiment === "hero" && row.phase === 1 && row.type === "exposure"),
        ).toEqual({
          experiment: "hero",
          phase: 1,
          type: "exposure",
          n: heroExposures.length,
          last: Math.max(...heroExposures.map((e) => e.ts)),
        });
      } finally {
        archive.close();
      }
    },
    SLOW,
  );

  it(
    "skips and counts a conversion whose only fault is a value over the cap, as the NDJSON reader does",
    async () => {
      const file = join(dir, "over-cap.ndjson");
      const buyer = events.find((e) => e.type === "exposure") as StylistEvent;
      const absurd = {
        id: "0b6c1f1e-7d0a-4f5e-9a43-3c1d2e4f5a6b",
        type: "conversion",
        ts: buyer.ts + 1,
        visitor: buyer.visitor,
        goal: "purchase",
        value: MAX_VALUE + 1,
        path: "/checkout",
      };
      writeFileSync(file, `${JSON.stringify(buyer)}\n${JSON.stringify(absurd)}\n`);
      const archive = await openArchive([file]);
      try {
        const skipped = { valuesOverCap: 0 };
        const result = await aggregate(archiveEvents(archive, {}, skipped));
        expect(skipped.valuesOverCap).toBe(1);
        expect(result.input.conversions).toBe(0);
      } finally {
        archive.close();
      }
    },
    SLOW,
  );

  it(
    "refuses a glob that matches nothing and a file that is not an archive, in one line",
    async () => {
      await expect(openArchive([join(dir, "nowhere/**/*.parquet")])).rejects.toThrow(
        /no archive files match/,
      );
      const bad = join(dir, "bad.ndjson");
      writeFileSync(bad, `${JSON.stringify({ ...events[0], visitor: "not-hex" })}\n`);
      const archive = await openArchive([bad]);
      try {
        await expect(aggregate(archiveEvents(archive))).rejects.toThrow(/is not a Stylist event: visitor/);
      } finally {
        archive.close();
      }
    },
    SLOW,
  );

  it(
    "refuses a row that breaks the event schema on the SQL path as on the streamed one, naming the same field",
    async () => {
      const exposureRow = events.find((event) => event.type === "exposure") as StylistEvent;
      // After the exposure, so the streamed path (which reads conversions from the earliest exposure on) meets it.
      const conversionRow = {
        ...(events.find((event) => event.type === "conversion") as StylistEvent),
        ts: exposureRow.ts + 1,
      };
      const faults: [string, Record<string, unknown>][] = [
        ["visitor", { ...exposureRow, visitor: "not-hex" }],
        ["device", { ...exposureRow, device: "fridge" }],
        ["phase", { ...exposureRow, phase: 0 }],
        ["goal", { ...conversionRow, goal: "Bad Goal" }],
        ["value", { ...conversionRow, value: -1 }],
      ];
      for (const [field, row] of faults) {
        const bad = join(dir, `bad-${field}.ndjson`);
        const ownId = { ...row, id: "ffffffff-ffff-4fff-bfff-ffffffffffff" };
        writeFileSync(bad, `${JSON.stringify(exposureRow)}\n${JSON.stringify(ownId)}\n`);
        const archive = await openArchive([bad]);
        try {
          const fault = new RegExp(`is not a Stylist event: ${field}`);
          await expect(aggregate(archiveEvents(archive))).rejects.toThrow(fault);
          await expect(archiveStatistics(archive, { crossovers: "first-exposure" })).rejects.toThrow(fault);
        } finally {
          archive.close();
        }
      }
    },
    SLOW,
  );
});
