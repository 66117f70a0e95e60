import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { archiveEvents } from "../../../../src/cli/archive/archive-events.ts";
import { openArchive } from "../../../../src/cli/archive/duckdb-archive.ts";
import { compactArchive, forgetInArchive, pruneArchive } from "../../../../src/cli/archive/maintenance.ts";
import { type ArchiveStore, directoryStore } from "../../../../src/cli/archive/store.ts";
import type { StylistEvent } from "../../../../src/core/schema/event.ts";
import { aggregate } from "../../../../src/report/aggregate.ts";
import { DAY, generatedTraffic, writeArchive } from "../../../support/archive-events.ts";
import { visitorId } from "../../../support/report-events.ts";

/** Compaction, erasure and retention on an archive laid out as the R2 sink writes it (a directory store here). */
const SLOW = 120_000;
let root: string;
let store: ArchiveStore;
const events = generatedTraffic(300, 7);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "stylist-maintenance-"));
  store = directoryStore(root);
  writeArchive(root, events, 60, 0.3);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function readAll(): Promise<StylistEvent[]> {
  const archive = await openArchive([root]);
  try {
    return (await archive.query<Record<string, unknown>>("SELECT id, visitor, ts FROM archive")) as never;
  } finally {
    archive.close();
  }
}

async function figures() {
  const archive = await openArchive([root]);
  try {
    return await aggregate(archiveEvents(archive), { windowMs: DAY });
  } finally {
    archive.close();
  }
}

describe("stylist archive compact", () => {
  it(
    "leaves one file per day and type, every event still there once, and the same report figures",
    async () => {
      const before = await figures();
      const filesBefore = (await store.list("events/")).length;
      const result = await compactArchive(store);
      const after = await store.list("events/");
      const partitions = new Set(after.map((object) => object.key.replace(/part-.*$/, "")));
      expect(after.length).toBe(partitions.size);
      expect(result.filesBefore - result.filesAfter).toBe(filesBefore - after.length);
      // Partitions already in one file are left as they are; together, each event id is there once.
      const rows = await readAll();
      expect(rows.length).toBe(new Set(events.map((event) => event.id)).size);
      expect(result.events).toBeLessThanOrEqual(rows.length);
      expect(await figures()).toEqual(before);
      // Compacting again changes nothing.
      expect(await compactArchive(store)).toEqual({
        partitions: 0,
        filesBefore: 0,
        filesAfter: 0,
        events: 0,
      });
    },
    SLOW,
  );

  it(
    "leaves days on or after --before alone",
    async () => {
      const days = [
        ...new Set((await store.list("events/")).map((o) => /dt=([^/]+)/.exec(o.key)?.[1])),
      ].sort();
      const last = days.at(-1) as string;
      const lastBefore = (await store.list(`events/dt=${last}/`)).map((o) => o.key);
      await compactArchive(store, { before: last });
      expect((await store.list(`events/dt=${last}/`)).map((o) => o.key)).toEqual(lastBefore);
    },
    SLOW,
  );
});

describe("stylist forget on the archive", () => {
  it(
    "removes every event of one visitor from every file and keeps everyone else's",
    async () => {
      const visitor = visitorId("v42");
      const theirs = events.filter((event) => event.visitor === visitor);
      expect(theirs.length).toBeGreaterThan(0);
      const result = await forgetInArchive(store, visitor);
      expect(result.filesRewritten + result.filesDeleted).toBeGreaterThan(0);
      const left = await readAll();
      expect(left.filter((row) => row.visitor === visitor)).toEqual([]);
      expect(left.length).toBe(new Set(events.filter((e) => e.visitor !== visitor).map((e) => e.id)).size);
      // Asking again finds nothing more to do.
      const again = await forgetInArchive(store, visitor);
      expect(again.events).toBe(0);
    },
    SLOW,
  );
});

describe("stylist prune on the archive", () => {
  it(
    "drops whole days older than the cutoff and nothing newer",
    async () => {
      const cutoff = Math.min(...events.map((event) => event.ts)) + 1.5 * DAY;
      const dryRun = await pruneArchive(store, cutoff, true);
      expect(dryRun.files).toBeGreaterThan(0);
      expect((await store.list("events/")).length).toBeGreaterThan(dryRun.files);
      const result = await pruneArchive(store, cutoff);
      expect(result).toEqual(dryRun);
      const left = await readAll();
      const keptDayStart = Math.min(...left.map((row) => Number(row.ts)));
      expect(left.every((row) => Number(row.ts) >= keptDayStart)).toBe(true);
      // Everything at or after the cutoff is still there; what went was older than it.
      const survivors = new Set(left.map((row) => row.id));
      for (const event of events) if (event.ts >= cutoff) expect(survivors.has(event.id)).toBe(true);
      for (const event of events) if (!survivors.has(event.id)) expect(event.ts).toBeLessThan(cutoff);
    },
    SLOW,
  );
});
