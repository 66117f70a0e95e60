import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConversionEvent, Reporter } from "../../../src/core/schema/event.ts";
import { insertOf, insertsOf } from "../../../src/sink/rows.ts";
import { conversion, T0 } from "../../support/report-events.ts";
import { ROOT } from "../../support/run-cli.ts";

/**
 * One order is one row in the sink, whoever reports it first, and the shop's signed backend wins over the visitor's
 * browser (issue 12 item 5): the browser's report of FS-1 and the backend's used to be two rows, `browser:FS-1` and
 * `FS-1`, which the report counted as two orders with double the revenue.
 */
const MIGRATIONS = join(ROOT, "migrations");

function sink(upTo = Number.POSITIVE_INFINITY): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  for (const file of readdirSync(MIGRATIONS).sort()) {
    if (Number.parseInt(file, 10) <= upTo) db.exec(readFileSync(join(MIGRATIONS, file), "utf8"));
  }
  return db;
}

const write = (db: DatabaseSync, events: ConversionEvent[]) => {
  for (const { sql, params } of insertsOf(events)) db.prepare(sql).run(...params);
};

const orders = (db: DatabaseSync) =>
  db
    .prepare(
      "SELECT visitor, value, order_id, reported_by FROM conversions WHERE order_id IS NOT NULL ORDER BY id",
    )
    .all();

const report = (by: Reporter, visitor: string, value: number, orderId = "FS-1") =>
  conversion(visitor, 1, { reportedBy: by, orderId, value, currency: "GBP" });

describe("one row per order, with the shop's backend taking precedence", () => {
  it("replaces a browser's report of an order with the backend's signed one that arrives later", () => {
    const db = sink();
    write(db, [report("browser", "forger", 1)]);
    write(db, [report("server", "buyer", 12_999)]);
    expect(orders(db)).toEqual([
      {
        visitor: report("server", "buyer", 0).visitor,
        value: 12_999,
        order_id: "FS-1",
        reported_by: "server",
      },
    ]);
  });

  it("keeps the backend's report when a browser reports the same order afterwards", () => {
    const db = sink();
    write(db, [report("server", "buyer", 12_999)]);
    write(db, [report("browser", "forger", 1)]);
    expect(orders(db)).toMatchObject([{ value: 12_999, reported_by: "server" }]);
  });

  it("keeps the first of two browser reports and the first of two backend reports", () => {
    const db = sink();
    write(db, [report("browser", "a", 5), report("browser", "b", 6)]);
    expect(orders(db)).toMatchObject([{ value: 5, reported_by: "browser" }]);
    write(db, [report("server", "c", 7), report("server", "d", 8)]);
    expect(orders(db)).toMatchObject([{ value: 7, reported_by: "server" }]);
  });

  it("treats a browser:<id> order id still on the queue from the old worker as the browser's report of <id>", () => {
    const db = sink();
    write(db, [conversion("forger", 1, { orderId: "browser:FS-9", value: 1, currency: "GBP" })]);
    write(db, [report("server", "buyer", 4_200, "FS-9")]);
    expect(orders(db)).toMatchObject([{ order_id: "FS-9", value: 4_200, reported_by: "server" }]);
  });

  it("holds one row per order, the earliest backend report if any else the earliest report, in any arrival order and batching", () => {
    const reportArb = fc.record({
      by: fc.constantFrom<Reporter>("browser", "server"),
      value: fc.nat(1_000_000),
      order: fc.constantFrom("FS-1", "FS-2", "FS-3"),
      minute: fc.nat(3),
    });
    fc.assert(
      fc.property(fc.array(reportArb, { minLength: 1, maxLength: 12 }), fc.nat(11), (reports, split) => {
        const events = reports.map((r, i) => ({
          ...report(r.by, `v${i}`, r.value, r.order),
          ts: T0 + r.minute * 60_000,
        }));
        const db = sink();
        // Two deliveries, the first possibly multi-row: the rule must not depend on how the queue batches them.
        write(db, events.slice(0, split));
        for (const event of events.slice(split))
          db.prepare(insertOf(event).sql).run(...insertOf(event).params);
        const stored = db.prepare("SELECT order_id, value, reported_by FROM conversions").all();
        const ids = [...new Set(reports.map((r) => r.order))];
        expect(stored).toHaveLength(ids.length);
        for (const id of ids) {
          // The backend's report if any, else the earliest; ties by id (ids grow with the array index here).
          const ofOrder = reports
            .map((r, i) => ({ ...r, i }))
            .filter((r) => r.order === id)
            .sort(
              (a, b) =>
                Number(b.by === "server") - Number(a.by === "server") || a.minute - b.minute || a.i - b.i,
            );
          const winner = ofOrder[0];
          expect(stored.find((row) => row.order_id === id)).toEqual({
            order_id: id,
            value: winner?.value,
            reported_by: winner?.by,
          });
        }
      }),
      { seed: 12, numRuns: 200 },
    );
  });
});

describe("migration 0003 on a sink written by the old worker", () => {
  it("folds each browser:<id> row into the backend's row of the same order, and keeps a lone browser report once", () => {
    const db = sink(2);
    const insert = db.prepare(
      "INSERT INTO conversions (id, ts, visitor, goal, value, currency, order_id, path) VALUES (?, 1, ?, 'purchase', ?, 'GBP', ?, '/')",
    );
    insert.run("a", "f".repeat(32), 1, "browser:FS-1");
    insert.run("b", "b".repeat(32), 12_999, "FS-1");
    insert.run("c", "c".repeat(32), 500, "browser:FS-2");
    db.prepare(
      "INSERT INTO conversions (id, ts, visitor, goal, path) VALUES ('d', 1, 'd', 'pdp_view', '/p')",
    ).run();
    db.exec(readFileSync(join(MIGRATIONS, "0003_conversion_reporter.sql"), "utf8"));
    expect(db.prepare("SELECT id, value, order_id, reported_by FROM conversions ORDER BY id").all()).toEqual([
      { id: "b", value: 12_999, order_id: "FS-1", reported_by: "server" },
      { id: "c", value: 500, order_id: "FS-2", reported_by: "browser" },
      { id: "d", value: null, order_id: null, reported_by: null },
    ]);
  });
});
