import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveEvents, countsArchiveOrder } from "../../../../src/cli/archive/archive-events.ts";
import { archiveStatistics } from "../../../../src/cli/archive/archive-stats.ts";
import { type ArchiveReader, openArchive } from "../../../../src/cli/archive/duckdb-archive.ts";
import { fileEvents } from "../../../../src/cli/ndjson-events.ts";
import { MAX_VALUE, type StylistEvent } from "../../../../src/core/schema/event.ts";
import { DEFAULT_SETTINGS } from "../../../../src/core/schema/settings.ts";
import { type AggregateOptions, aggregate } from "../../../../src/report/aggregate.ts";
import { buildReport } from "../../../../src/report/build.ts";
import { configsOf } from "../../../../src/report/config.ts";
import { OrderWinners } from "../../../../src/report/order-winners.ts";
import { sinkEvents } from "../../../../src/report/sink-source.ts";
import { D1_STATS_SOURCE } from "../../../../src/report/sql/d1-source.ts";
import { type StatsQueryOptions, statsQuery } from "../../../../src/report/sql/stats-query.ts";
import { resultOfStatsRows } from "../../../../src/report/sql/stats-rows.ts";
import type { AggregateResult } from "../../../../src/report/sums.ts";
import { insertsOf } from "../../../../src/sink/rows.ts";
import { writeArchive } from "../../../support/archive-events.ts";
import { differences } from "../../../support/close-reports.ts";
import { heroRules } from "../../../support/report-events.ts";
import { edgeTraffic, shuffled } from "../../../support/report-sql-events.ts";
import { ROOT } from "../../../support/run-cli.ts";

/**
 * The report computed from SQL sufficient statistics equals the report streamed through the aggregator, to 1e-9 on
 * every figure (sums of integers are exact; capped revenue and its squares add doubles in another order), on seeded
 * event sets that hit each attribution rule's edge (test/support/report-sql-events.ts), in the archive (DuckDB, with
 * redelivered batches written in a shuffled order), in D1 (SQLite, the real migrations, the SQLite spelling of the
 * query) and, for the figures, from an NDJSON file in a shuffled order. One rule everywhere: D1's figures equal the
 * archive's.
 */
const SLOW = 180_000;
const DAY = 86_400_000;
const HOURS_2 = 2 * 3_600_000;

const configs = configsOf({
  experiments: [
    heroRules(),
    heroRules({
      id: "usp",
      variants: [
        { id: "control", weight: 40 },
        { id: "promise", weight: 30, ops: [{ op: "setText", selector: "#usp", value: "Free returns" }] },
        { id: "bold", weight: 30, ops: [{ op: "setText", selector: "#usp", value: "Returns on us" }] },
      ],
      metrics: { primary: "purchase", secondary: ["add_to_basket"] },
    }),
  ],
  settings: DEFAULT_SETTINGS,
});

/** The option sets compared; together they cover every option alone and in combination. */
const CASES: { name: string; options: StatsQueryOptions }[] = [
  { name: "defaults", options: { crossovers: "first-exposure" } },
  {
    name: "a 2-hour window, crossovers left out, by device",
    options: { crossovers: "exclude", window: "2h", windowMs: HOURS_2, by: "device" },
  },
  {
    name: "revenue capped at the 90th percentile, CUPED over a day, by segment",
    options: {
      crossovers: "first-exposure",
      capPercentile: 0.9,
      cuped: { lookback: "1d", lookbackMs: DAY },
      by: "segment",
    },
  },
  {
    name: "a 1-day window, by country, capped at the 99th",
    options: {
      crossovers: "first-exposure",
      window: "1d",
      windowMs: DAY,
      by: "country",
      capPercentile: 0.99,
    },
  },
  {
    name: "one experiment, by source, CUPED over 2 hours, crossovers left out",
    options: {
      crossovers: "exclude",
      experiment: "usp",
      by: "source",
      cuped: { lookback: "2h", lookbackMs: HOURS_2 },
    },
  },
  { name: "by allocation period (a bandit's)", options: { crossovers: "first-exposure", by: "period" } },
  {
    name: "phase 1 only, by segment, a 2-hour window, capped at the median, crossovers left out",
    options: {
      crossovers: "exclude",
      phase: 1,
      by: "segment",
      window: "2h",
      windowMs: HOURS_2,
      capPercentile: 0.5,
    },
  },
];

function aggregateOptionsOf(options: StatsQueryOptions): AggregateOptions {
  return {
    crossovers: options.crossovers,
    ...(options.windowMs !== undefined ? { windowMs: options.windowMs } : {}),
    // As `stylist report` does: without a breakdown, grouped by allocation period (bandits are stratified).
    by: options.by ?? "period",
    ...(options.capPercentile !== undefined ? { capPercentile: options.capPercentile } : {}),
    ...(options.cuped ? { lookbackMs: options.cuped.lookbackMs } : {}),
    include: (experiment, phase) =>
      (options.experiment === undefined || experiment === options.experiment) &&
      (options.phase === undefined || phase === options.phase),
  };
}

const filterOf = (options: StatsQueryOptions) => ({
  ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
  ...(options.phase !== undefined ? { phase: options.phase } : {}),
  ...(options.cuped ? { lookbackMs: options.cuped.lookbackMs } : {}),
});

/** The report as JSON, as `stylist report --json` prints it (with --sequential, so those figures are compared too). */
function reportOf(result: AggregateResult, options: StatsQueryOptions, valuesOverCap: number) {
  const report = buildReport(result, {
    configFor: (experiment) => configs.get(experiment),
    source: { events: "file", file: null, backend: null, rules: "files", rulesVersion: null },
    generatedAt: new Date(0),
    sequential: true,
    ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
    ...(options.phase !== undefined ? { phase: options.phase } : {}),
    ...(options.window !== undefined ? { window: options.window, windowMs: options.windowMs } : {}),
    ...(options.by ? { by: options.by } : { periodGroups: true }),
    crossovers: options.crossovers,
    ...(options.capPercentile !== undefined ? { capPercentile: options.capPercentile } : {}),
    ...(options.cuped ? { cuped: options.cuped } : {}),
    valuesOverCap,
  });
  return JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
}

function expectSameReport(sql: unknown, streamed: unknown) {
  expect(differences(sql, streamed).slice(0, 10)).toEqual([]);
}

/**
 * The reports (all seeds of a case) show the comparison is not vacuous: crossovers, duplicate orders, capped buyers,
 * several breakdown groups.
 */
function expectSubstance(reports: Record<string, unknown>[], options: StatsQueryOptions) {
  const experiments = reports.flatMap((report) => report.experiments as Array<Record<string, unknown>>);
  expect(experiments.length).toBeGreaterThan(0);
  expect(experiments.some((e) => (e.crossovers as number) > 0)).toBe(true);
  expect(reports.some((r) => (r.input as { duplicateOrders: number }).duplicateOrders > 0)).toBe(true);
  if (options.capPercentile !== undefined)
    expect(experiments.some((e) => (e.capping as Array<{ capped: number }>).some((c) => c.capped > 0))).toBe(
      true,
    );
  if (options.by)
    expect(experiments.some((e) => (e.breakdown as { groups: unknown[] }).groups.length > 1)).toBe(true);
}

const SEEDS = [1, 2];
const VISITORS = 350;

describe("the report from SQL statistics equals the streamed report", () => {
  const dirs: string[] = [];
  const archives = new Map<number, ArchiveReader>();
  const sinks = new Map<number, DatabaseSync>();
  const files = new Map<number, string>();
  const traffic = new Map<number, StylistEvent[]>();

  beforeAll(async () => {
    const migrations = join(ROOT, "migrations");
    for (const seed of SEEDS) {
      const events = edgeTraffic({ visitors: VISITORS, seed, ties: true, overCap: true, drift: true });
      traffic.set(seed, events);
      const dir = mkdtempSync(join(tmpdir(), "stylist-sql-equivalence-"));
      dirs.push(dir);
      writeArchive(join(dir, "archive"), shuffled(events, seed), 150, 0.3);
      archives.set(seed, await openArchive([join(dir, "archive")]));
      // D1 as the consumer writes it, in a shuffled order, without what the consumer's validation refuses.
      const db = new DatabaseSync(":memory:");
      for (const file of readdirSync(migrations).sort())
        db.exec(readFileSync(join(migrations, file), "utf8"));
      const valid = events.filter(
        (event) => !(event.type === "conversion" && (event.value ?? 0) > MAX_VALUE),
      );
      for (const { sql, params } of insertsOf(shuffled(valid, seed + 100))) db.prepare(sql).run(...params);
      sinks.set(seed, db);
      // An NDJSON file in a shuffled order, without same-millisecond crossovers (the line reader keeps the first line).
      const file = join(dir, "events.ndjson");
      const untied = edgeTraffic({ visitors: VISITORS, seed, ties: false, overCap: true, drift: true });
      writeFileSync(
        file,
        `${shuffled(untied, seed + 200)
          .map((event) => JSON.stringify(event))
          .join("\n")}\n`,
      );
      files.set(seed, file);
    }
  }, SLOW);

  afterAll(() => {
    for (const archive of archives.values()) archive.close();
    for (const db of sinks.values()) db.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it(
    `the printed DuckDB query over every stored row, copies included, gives the archive view's statistics, seeds ${SEEDS.join(", ")}`,
    async () => {
      for (const seed of SEEDS) {
        const archive = archives.get(seed) as ArchiveReader;
        const [stored] = await archive.query<{ rows: bigint; ids: bigint }>(
          "SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM archive_rows",
        );
        expect(Number(stored?.rows)).toBeGreaterThan(Number(stored?.ids));
        for (const { options } of CASES) {
          const query = { ...options, periodGroups: !options.by };
          const printed = resultOfStatsRows(await archive.query(statsQuery("duckdb", "archive_rows", query)));
          const viewed = await archiveStatistics(archive, query);
          expectSameReport(
            reportOf(printed.result, options, printed.valuesOverCap),
            reportOf(viewed.result, options, viewed.valuesOverCap),
          );
        }
      }
    },
    // Every case twice over, with the copies ranked in SQL: a generous limit for a loaded machine, not a timing.
    2 * SLOW,
  );

  for (const { name, options } of CASES) {
    it(
      `over the Parquet archive (DuckDB), seeds ${SEEDS.join(", ")}: ${name}`,
      async () => {
        const reports: Record<string, unknown>[] = [];
        for (const seed of SEEDS) {
          const archive = archives.get(seed) as ArchiveReader;
          const sql = await archiveStatistics(archive, { ...options, periodGroups: !options.by });
          const skipped = { valuesOverCap: 0 };
          const streamed = await aggregate(archiveEvents(archive, filterOf(options), skipped), {
            ...aggregateOptionsOf(options),
            countsOrder: countsArchiveOrder,
          });
          const fromSql = reportOf(sql.result, options, sql.valuesOverCap);
          expectSameReport(fromSql, reportOf(streamed, options, skipped.valuesOverCap));
          reports.push(fromSql);
        }
        expectSubstance(reports, options);
      },
      SLOW,
    );

    it(
      `over the D1 sink (SQLite), and D1's figures equal the archive's, seeds ${SEEDS.join(", ")}: ${name}`,
      async () => {
        for (const seed of SEEDS) {
          const db = sinks.get(seed) as DatabaseSync;
          const sink = {
            query: async <Row>(sql: string, params: unknown[] = []) =>
              db.prepare(sql).all(...(params as (string | number | null)[])) as Row[],
          };
          const rows = await sink.query<Record<string, unknown>>(
            statsQuery("sqlite", D1_STATS_SOURCE, { ...options, periodGroups: !options.by }),
          );
          const sql = resultOfStatsRows(rows);
          const streamed = await aggregate(sinkEvents(sink, filterOf(options)), aggregateOptionsOf(options));
          const fromSql = reportOf(sql.result, options, sql.valuesOverCap);
          expectSameReport(fromSql, reportOf(streamed, options, 0));
          const archive = await archiveStatistics(archives.get(seed) as ArchiveReader, {
            ...options,
            periodGroups: !options.by,
          });
          // The figures, not the clock: `days` runs to the latest event read, and D1 stores only an order's winning
          // report, so a later losing report in the archive moves it without changing any figure.
          const figures = (report: Record<string, unknown>) =>
            (report.experiments as Array<Record<string, unknown>>).map(({ days: _days, ...rest }) => rest);
          expectSameReport(figures(fromSql), figures(reportOf(archive.result, options, 0)));
        }
      },
      SLOW,
    );

    it(
      `from an NDJSON file in a shuffled order (line reader against DuckDB), seeds ${SEEDS.join(", ")}: ${name}`,
      async () => {
        for (const seed of SEEDS) {
          const file = files.get(seed) as string;
          const archive = await openArchive([file]);
          try {
            const sql = await archiveStatistics(archive, { ...options, periodGroups: !options.by });
            const orders = new OrderWinners();
            const skipped = { valuesOverCap: 0 };
            const streamed = await aggregate(fileEvents(file, skipped, orders), {
              ...aggregateOptionsOf(options),
              countsOrder: orders.counts,
            });
            expectSameReport(
              reportOf(sql.result, options, 0).experiments,
              reportOf(streamed, options, 0).experiments,
            );
          } finally {
            archive.close();
          }
        }
      },
      SLOW,
    );
  }
});
