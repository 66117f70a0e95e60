import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import type { StylistEvent } from "../../../src/core/schema/event.ts";
import { insertOf, insertsOf } from "../../../src/sink/rows.ts";
import { conversion, exposure, miss } from "../../support/report-events.ts";
import { ROOT } from "../../support/run-cli.ts";

/** The sink's real schema (migrations/) in an in-memory SQLite. */
function sink(): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  const migrations = join(ROOT, "migrations");
  for (const file of readdirSync(migrations).sort()) db.exec(readFileSync(join(migrations, file), "utf8"));
  return db;
}

const dump = (db: DatabaseSync) => ({
  events: db.prepare("SELECT * FROM events ORDER BY id").all(),
  conversions: db.prepare("SELECT * FROM conversions ORDER BY id").all(),
});

describe("writing a batch of events in multi-row statements", () => {
  const events: StylistEvent[] = [
    ...Array.from({ length: 23 }, (_, i) => exposure(`visitor-${i}`, "promise")),
    miss("visitor-x", "control"),
    ...Array.from({ length: 12 }, (_, i) =>
      conversion(`visitor-${i}`, 10 + i, { value: 1_000 + i, currency: "GBP", orderId: `FS-${i}` }),
    ),
  ];

  it("stores exactly the rows one insert per event would, in statements of at most 100 parameters", () => {
    const one = sink();
    for (const event of events) {
      const { sql, params } = insertOf(event);
      one.prepare(sql).run(...params);
    }
    const many = sink();
    const statements = insertsOf(events);
    for (const { sql, params } of statements) {
      expect(params.length).toBeLessThanOrEqual(100);
      many.prepare(sql).run(...params);
    }
    expect(dump(many)).toEqual(dump(one));
    expect(dump(many).events).toHaveLength(24);
    // 24 event rows of 13 columns (7 a statement) and 12 conversions of 11 (9 a statement): 4 + 2 statements.
    expect(statements).toHaveLength(6);
  });

  it("still ignores an event id it already has, within one statement and across deliveries", () => {
    const db = sink();
    const twice = [...events, ...events.slice(0, 5)];
    for (const { sql, params } of insertsOf(twice)) db.prepare(sql).run(...params);
    for (const { sql, params } of insertsOf(events)) db.prepare(sql).run(...params);
    expect(dump(db).events).toHaveLength(24);
    expect(dump(db).conversions).toHaveLength(12);
  });
});
