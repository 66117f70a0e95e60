import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import type { StylistEvent } from "../../../src/core/schema/event.ts";
import { aggregate } from "../../../src/report/aggregate.ts";
import { type SqlQuery, sinkEvents } from "../../../src/report/sink-source.ts";
import { goalOf } from "../../../src/report/sums.ts";
import { insertOf } from "../../../src/sink/rows.ts";
import { conversion, exposure, miss } from "../../support/report-events.ts";
import { ROOT } from "../../support/run-cli.ts";

/** The sink's schema (the real migrations) in an in-memory SQLite, behind the CLI's SqlRunner interface. */
function sqliteSink(events: StylistEvent[]): SqlQuery & { queries: number } {
  const db = new DatabaseSync(":memory:");
  const migrations = join(ROOT, "migrations");
  for (const file of readdirSync(migrations).sort()) db.exec(readFileSync(join(migrations, file), "utf8"));
  for (const event of events) {
    const { sql, params } = insertOf(event);
    db.prepare(sql).run(...params);
  }
  const sink = {
    queries: 0,
    async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
      sink.queries++;
      return db.prepare(sql).all(...(params as (string | number | null)[])) as Row[];
    },
  };
  return sink;
}

async function collect(source: AsyncIterable<StylistEvent>): Promise<StylistEvent[]> {
  const events: StylistEvent[] = [];
  for await (const event of source) events.push(event);
  return events;
}

describe("reading the sink for a report", () => {
  const events = [
    conversion("zed", -10),
    exposure("ann", "promise", 0),
    exposure("bob", "control", 0),
    miss("cat", "control", 1),
    exposure("dan", "promise", 2, { experiment: "other" }),
    conversion("ann", 3, { value: 500, orderId: "o1" }),
    conversion("ann", 4, { value: 500, orderId: "o1" }),
    exposure("eve", "promise", 5, { phase: 2 }),
    conversion("bob", 6, { value: 900 }),
  ];

  it("pages through every exposure first, then the conversions from the earliest exposure on", async () => {
    const sink = sqliteSink(events);
    const read = await collect(sinkEvents(sink, { pageSize: 2 }));
    expect(read.map((event) => event.type)).toEqual([
      "exposure",
      "exposure",
      "exposure",
      "exposure",
      "conversion",
      "conversion",
    ]);
    // The duplicate order never reached the sink (its unique index); the early conversion is not read.
    expect(read.filter((event) => event.type === "conversion").map((event) => event.ts)).toEqual(
      [events[5], events[8]].map((event) => event?.ts),
    );
    expect(sink.queries).toBeGreaterThan(3);
  });

  it("reads conversions from the lookback before the earliest exposure for CUPED, and counts them as covariates", async () => {
    const read = await collect(sinkEvents(sqliteSink(events), { lookbackMs: 60 * 60_000 }));
    expect(read.filter((event) => event.type === "conversion")).toHaveLength(3);
    const result = await aggregate(
      sinkEvents(sqliteSink([...events, exposure("zed", "control", 0)]), { lookbackMs: 60 * 60_000 }),
      {
        lookbackMs: 60 * 60_000,
      },
    );
    const control = result.segments
      .find((s) => s.experiment === "hero" && s.phase === 1)
      ?.arms.get("control");
    expect(goalOf(control, "purchase")).toMatchObject({ preConverters: 1 });
  });

  it("filters exposures by experiment and phase in SQL", async () => {
    const read = await collect(sinkEvents(sqliteSink(events), { experiment: "hero", phase: 1 }));
    expect(read.filter((event) => event.type === "exposure")).toHaveLength(2);
  });

  it("gives the aggregator the same figures as the events themselves", async () => {
    const fromSink = await aggregate(sinkEvents(sqliteSink(events), { pageSize: 3 }));
    const fromEvents = await aggregate([
      ...events.filter((e) => e.type !== "conversion"),
      ...events.filter((e) => e.type === "conversion"),
    ]);
    const figures = (result: typeof fromSink) =>
      result.segments.map((segment) => [
        segment.experiment,
        segment.phase,
        [...segment.arms].map(([arm, sums]) => [arm, sums.visitors, goalOf(sums, "purchase").revenue]),
      ]);
    expect(figures(fromSink)).toEqual(figures(fromEvents));
  });
});
