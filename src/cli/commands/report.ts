import { existsSync, writeFileSync } from "node:fs";
import { defineCommand } from "citty";
import { aggregate } from "../../report/aggregate.ts";
import { type BuildOptions, buildReport, reportedPhases } from "../../report/build.ts";
import { configsOf, type ExperimentConfig } from "../../report/config.ts";
import type { CrossoverRule } from "../../report/finalize.ts";
import type { Report } from "../../report/model.ts";
import { OrderWinners } from "../../report/order-winners.ts";
import { renderCsv } from "../../report/render-csv.ts";
import { renderHtml } from "../../report/render-html.ts";
import { renderText } from "../../report/render-text.ts";
import { phaseRules } from "../../report/rules-source.ts";
import { DIMENSIONS, type Dimension } from "../../report/segment.ts";
import { sinkEvents } from "../../report/sink-source.ts";
import { D1_STATS_SOURCE } from "../../report/sql/d1-source.ts";
import { DIALECTS, type DialectName } from "../../report/sql/dialects.ts";
import { type StatsQueryOptions, statsQuery } from "../../report/sql/stats-query.ts";
import { resultOfStatsRows, type StatsRow, StatsRowError } from "../../report/sql/stats-rows.ts";
import type { AggregateResult } from "../../report/sums.ts";
import { parseWindow } from "../../report/window.ts";
import { readActive } from "../../rules/versions.ts";
import { archiveEvents, countsArchiveOrder } from "../archive/archive-events.ts";
import { archiveStatistics } from "../archive/archive-stats.ts";
import { archiveRelation, openArchive } from "../archive/duckdb-archive.ts";
import {
  archiveOf,
  chosenSink,
  readsWithDuckDB,
  refusePipelines,
  sinkArg,
  withArchiveReader,
} from "../archive/sink-choice.ts";
import { readStatsFile } from "../archive/stats-file.ts";
import { type BackendFlags, backendArgs, missingTables, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { loadValidRules, rulesDirArg } from "../load-rules.ts";
import { fileEvents } from "../ndjson-events.ts";
import { printJson } from "../output.ts";
import type { Skipped } from "../skipped-events.ts";
import type { Backend } from "../stores/types.ts";

type Compute = "sql" | "stream";

interface Parsed {
  experiment: string | undefined;
  phase: number | undefined;
  window: string | undefined;
  windowMs: number | undefined;
  by: Dimension | undefined;
  rules: "active" | "files";
  crossovers: CrossoverRule;
  capPercentile: number | undefined;
  cuped: { lookback: string; lookbackMs: number } | undefined;
  compute: Compute | undefined;
  sql: DialectName | undefined;
}

/** Flags that shape the statistics query; with --stats they were fixed when the query was printed. */
const QUERY_FLAGS = ["experiment", "phase", "window", "by", "crossovers", "cap-revenue", "cuped"] as const;

function parseFlags(args: Record<string, unknown>): Parsed {
  const phase = args.phase === undefined ? undefined : Number(args.phase);
  if (phase !== undefined && !(Number.isInteger(phase) && phase > 0))
    throw new CLIError("--phase takes a phase number (1, 2, …)", EXIT.invalid);
  const window = args.window as string | undefined;
  const windowMs = window === undefined ? undefined : parseWindow(window);
  if (window !== undefined && windowMs === undefined)
    throw new CLIError(
      "--window takes a duration such as 30min, 48h, 7d or 2w (a bare m is ambiguous)",
      EXIT.invalid,
    );
  const by = args.by as string | undefined;
  if (by !== undefined && !(DIMENSIONS as readonly string[]).includes(by))
    throw new CLIError(`--by takes ${DIMENSIONS.join(", ")}`, EXIT.invalid);
  const rules = (args.rules as string | undefined) ?? (args.events || args.stats ? "files" : "active");
  if (rules !== "active" && rules !== "files")
    throw new CLIError(`--rules takes active or files, not "${rules}"`, EXIT.invalid);
  if (args.json && args.csv) throw new CLIError("choose one of --json and --csv", EXIT.invalid);
  const crossovers = (args.crossovers as string | undefined) ?? "first-exposure";
  if (crossovers !== "first-exposure" && crossovers !== "exclude")
    throw new CLIError(`--crossovers takes first-exposure or exclude, not "${crossovers}"`, EXIT.invalid);
  const cap = args["cap-revenue"] as string | undefined;
  const capPercentile = cap === undefined ? undefined : Number(cap) / 100;
  if (capPercentile !== undefined && !(capPercentile >= 0.5 && capPercentile < 1))
    throw new CLIError(
      `--cap-revenue takes a percentile from 50 to 99.99 (e.g. 99), not "${cap}"`,
      EXIT.invalid,
    );
  const lookback = args.cuped as string | undefined;
  const lookbackMs = lookback === undefined ? undefined : parseWindow(lookback);
  if (lookback !== undefined && lookbackMs === undefined)
    throw new CLIError("--cuped takes a lookback before first exposure such as 28d or 2w", EXIT.invalid);
  if (args.events && !readsWithDuckDB(args.events as string) && !existsSync(args.events as string))
    throw new CLIError(`no events file at ${args.events}`, EXIT.invalid);
  const compute = args.compute as string | undefined;
  if (compute !== undefined && compute !== "sql" && compute !== "stream")
    throw new CLIError(`--compute takes sql or stream, not "${compute}"`, EXIT.invalid);
  const sql = args.sql as string | undefined;
  if (sql !== undefined && !(DIALECTS as readonly string[]).includes(sql))
    throw new CLIError(`--sql takes ${DIALECTS.join(", ")}, not "${sql}"`, EXIT.invalid);
  if (args.stats) {
    const given = QUERY_FLAGS.filter((flag) => args[flag] !== undefined);
    if (given.length > 0)
      throw new CLIError(
        `--stats reads the options the query was printed with; --${given.join(", --")} cannot change them (print the query again with --sql)`,
        EXIT.invalid,
      );
    if (args.events || args.sink || args.sql || compute)
      throw new CLIError(
        "--stats makes the report from its rows alone: drop --events, --sink, --sql and --compute",
        EXIT.invalid,
      );
  }
  return {
    experiment: args.experiment as string | undefined,
    phase,
    window,
    windowMs,
    by: by as Dimension | undefined,
    rules,
    crossovers,
    capPercentile,
    cuped: lookback !== undefined && lookbackMs !== undefined ? { lookback, lookbackMs } : undefined,
    compute: compute as Compute | undefined,
    sql: sql as DialectName | undefined,
  };
}

function queryOptionsOf(flags: Parsed): StatsQueryOptions {
  return {
    ...(flags.experiment !== undefined ? { experiment: flags.experiment } : {}),
    ...(flags.phase !== undefined ? { phase: flags.phase } : {}),
    ...(flags.window !== undefined ? { window: flags.window, windowMs: flags.windowMs } : {}),
    ...(flags.cuped ? { cuped: flags.cuped } : {}),
    crossovers: flags.crossovers,
    ...(flags.capPercentile !== undefined ? { capPercentile: flags.capPercentile } : {}),
    ...(flags.by ? { by: flags.by } : {}),
  };
}

type ConfigFor = BuildOptions["configFor"];
type Rules = { configFor: ConfigFor; version: number | null; warnings: string[] };

/** Rules from the active version: each reported phase's own, looked up in the history when it is not current. */
async function activeRules(
  backend: Backend,
  result: AggregateResult,
  wanted: { experiment?: string | undefined; phase?: number | undefined },
): Promise<Rules> {
  const snapshot = await readActive(backend.rules);
  if (!snapshot) throw new CLIError("nothing has been pushed yet; use --rules files", EXIT.failed);
  const probe: ConfigFor = () => undefined;
  const phases = reportedPhases(result, {
    experiment: wanted.experiment,
    phase: wanted.phase,
    configFor: probe,
  });
  const rules = await phaseRules(backend.rules, snapshot, phases);
  const warnings = rules.missing.map(
    ({ experiment, phase }) =>
      `no stored version has the rules of ${experiment} phase ${phase}: figures only`,
  );
  return { configFor: rules.configFor, version: snapshot.version, warnings };
}

function fileRules(dir: string): Rules {
  const configs: Map<string, ExperimentConfig> = configsOf(loadValidRules(dir));
  return { configFor: (experiment) => configs.get(experiment), version: null, warnings: [] };
}

function output(report: Report, args: { json?: boolean; csv?: boolean; html?: string }) {
  if (args.html) {
    writeFileSync(args.html, renderHtml(report));
    console.error(`wrote ${args.html}`);
  }
  if (args.json) printJson(report);
  else if (args.csv) process.stdout.write(renderCsv(report));
  else if (!args.html) console.log(renderText(report));
}

/** The statistics rows as the aggregator's result; a row that is not the query's is a clear error. */
function fromStatsRows(rows: readonly StatsRow[], where: string) {
  try {
    return resultOfStatsRows(rows);
  } catch (error) {
    if (error instanceof StatsRowError) throw new CLIError(`${where}: ${error.message}`, EXIT.invalid);
    throw error;
  }
}

/** A table name for printed SQL: letters, digits, _ - . and the dialects' quotes, nothing that could end a query. */
function tableOf(args: { table?: string; events?: string }, dialect: DialectName): string {
  if (args.table !== undefined) {
    if (!/^[A-Za-z0-9_.`"$-]+$/.test(args.table))
      throw new CLIError(
        `--table takes a table name (project.dataset.table, catalog.schema.table), not "${args.table}"`,
        EXIT.invalid,
      );
    return args.table;
  }
  if (args.events && dialect === "duckdb") return archiveRelation(args.events);
  if (args.events)
    throw new CLIError(
      "--events with --sql names local files, which only --sql duckdb reads; give --table for this engine",
      EXIT.invalid,
    );
  return "stylist_events";
}

export default defineCommand({
  meta: {
    name: "report",
    description: "Experiment results: lifts, intervals, SRM, verdicts (see docs/report.md)",
  },
  args: {
    experiment: { type: "string", description: "Only this experiment" },
    phase: { type: "string", description: "This phase (default: each experiment's latest in the events)" },
    window: {
      type: "string",
      description: "Count conversions up to this long after first exposure: 7d, 48h, 2w",
    },
    by: { type: "string", description: "Exploratory breakdown: device, country, source, segment or period" },
    sequential: { type: "boolean", description: "Add always-valid (sequential) intervals" },
    crossovers: {
      type: "string",
      description: "Visitors seen in several arms: first-exposure (default, intention to treat) or exclude",
    },
    "cap-revenue": {
      type: "string",
      description: "Cap each visitor's revenue at this percentile of buyers' revenue (e.g. 99)",
    },
    cuped: {
      type: "string",
      description: "CUPED: adjust with each visitor's own conversions in this lookback before exposure (28d)",
    },
    json: { type: "boolean", description: "Print the report as JSON (schema stylist.report/2)" },
    csv: { type: "boolean", description: "Print the report as CSV" },
    html: { type: "string", description: "Write a self-contained HTML report with charts to this file" },
    events: {
      type: "string",
      description:
        "Read events from files instead of the sink: an NDJSON file, or Parquet/NDJSON globs and directories (DuckDB), e.g. 'archive/**/*.parquet'",
    },
    ...sinkArg,
    compute: {
      type: "string",
      description:
        "sql: the engine that holds the events computes the sums (default for archive files and --sink r2); stream: every event through Node (default for D1 and one NDJSON file)",
    },
    sql: {
      type: "string",
      description: `Print the statistics query for ${DIALECTS.join(", ")} instead of a report; run it where the events are and pass its rows to --stats`,
    },
    table: {
      type: "string",
      description:
        "With --sql: the events table, with the archive's columns (default stylist_events; duckdb with --events: those files)",
    },
    stats: {
      type: "string",
      description:
        "Make the report from the rows the --sql query returned: a .csv, .json/.ndjson or .parquet file",
    },
    rules: {
      type: "string",
      description:
        "active (the active version; default with the sink) or files (default with --events and --stats)",
    },
    ...rulesDirArg,
    ...backendArgs,
  },
  async run({ args }) {
    const flags = parseFlags(args);
    const query = queryOptionsOf(flags);
    if (flags.sql) {
      process.stdout.write(`${statsQuery(flags.sql, tableOf(args, flags.sql), query)};\n`);
      return;
    }
    const skipped: Skipped = { valuesOverCap: 0 };
    const aggregateOptions = {
      crossovers: flags.crossovers,
      ...(flags.capPercentile !== undefined ? { capPercentile: flags.capPercentile } : {}),
      ...(flags.cuped ? { lookbackMs: flags.cuped.lookbackMs } : {}),
      ...(flags.windowMs !== undefined ? { windowMs: flags.windowMs } : {}),
      // Without a breakdown asked for, visitors are still grouped by allocation period, so bandits are stratified.
      by: flags.by ?? ("period" as const),
      include: (experiment: string, phase: number) =>
        (flags.experiment === undefined || experiment === flags.experiment) &&
        (flags.phase === undefined || phase === flags.phase),
    };
    const build = (
      result: AggregateResult,
      rules: Rules,
      source: Pick<Report["source"], "events" | "file" | "backend">,
      options: StatsQueryOptions = query,
      valuesOverCap = skipped.valuesOverCap,
    ) => {
      const report = buildReport(result, {
        configFor: rules.configFor,
        source: { ...source, rules: flags.rules, rulesVersion: rules.version },
        ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
        ...(options.phase !== undefined ? { phase: options.phase } : {}),
        ...(options.window !== undefined ? { window: options.window, windowMs: options.windowMs } : {}),
        // Without a breakdown asked for, visitors are still grouped by allocation period, so bandits are stratified.
        ...(options.by ? { by: options.by } : { periodGroups: true }),
        sequential: Boolean(args.sequential),
        crossovers: options.crossovers,
        ...(options.capPercentile !== undefined ? { capPercentile: options.capPercentile } : {}),
        ...(options.cuped ? { cuped: options.cuped } : {}),
        valuesOverCap,
      });
      report.warnings.push(...rules.warnings);
      return report;
    };
    const backendFlags: BackendFlags = args;
    // Rule files are read first, so a mistake in them fails before a long pass over the events.
    const files = flags.rules === "files" ? fileRules(args.dir) : undefined;
    if (args.stats) {
      const file = args.stats;
      const { result, header, valuesOverCap } = fromStatsRows(await readStatsFile(file), file);
      const rules =
        files ?? (await withBackend(backendFlags, (backend) => activeRules(backend, result, header)));
      output(build(result, rules, { events: "file", file, backend: null }, header, valuesOverCap), args);
      return;
    }
    const filter = {
      ...(flags.experiment !== undefined ? { experiment: flags.experiment } : {}),
      ...(flags.phase !== undefined ? { phase: flags.phase } : {}),
      ...(flags.cuped ? { lookbackMs: flags.cuped.lookbackMs } : {}),
    };
    /** The archive's figures: its SQL statistics (default) or every event streamed through the aggregator. */
    const fromArchive = async (archive: Awaited<ReturnType<typeof openArchive>>) => {
      if (flags.compute === "stream")
        return {
          result: await aggregate(archiveEvents(archive, filter, skipped), {
            ...aggregateOptions,
            countsOrder: countsArchiveOrder,
          }),
          valuesOverCap: skipped.valuesOverCap,
        };
      const { result, valuesOverCap } = await archiveStatistics(archive, {
        ...query,
        periodGroups: !query.by,
      });
      return { result, valuesOverCap };
    };
    const sink = args.events ? undefined : await chosenSink(args);
    if (sink) refusePipelines(sink);
    let report: Report;
    if (args.events) {
      const file = args.events;
      let read: { result: AggregateResult; valuesOverCap: number };
      if (readsWithDuckDB(file) || flags.compute === "sql") {
        const archive = await openArchive([file]);
        try {
          read = await fromArchive(archive);
        } finally {
          archive.close();
        }
      } else {
        const orders = new OrderWinners();
        const result = await aggregate(fileEvents(file, skipped, orders), {
          ...aggregateOptions,
          countsOrder: orders.counts,
        });
        read = { result, valuesOverCap: skipped.valuesOverCap };
      }
      const { result } = read;
      const rules =
        files ?? (await withBackend(backendFlags, (backend) => activeRules(backend, result, flags)));
      report = build(result, rules, { events: "file", file, backend: null }, query, read.valuesOverCap);
    } else if (sink === "r2") {
      report = await withBackend(backendFlags, async (backend) => {
        const { result, valuesOverCap } = await withArchiveReader(archiveOf(backend), fromArchive);
        const rules = files ?? (await activeRules(backend, result, flags));
        return build(
          result,
          rules,
          { events: "sink", file: null, backend: backend.mode },
          query,
          valuesOverCap,
        );
      });
    } else {
      report = await withBackend(backendFlags, async (backend) => {
        let result: AggregateResult;
        if (flags.compute === "sql") {
          const rows = await backend.sink
            .query<StatsRow>(statsQuery("sqlite", D1_STATS_SOURCE, { ...query, periodGroups: !query.by }))
            .catch(missingTables(backend));
          result = fromStatsRows(rows, "the D1 statistics query").result;
        } else {
          const events = sinkEvents(backend.sink, filter);
          result = await aggregate(events, aggregateOptions).catch(missingTables(backend));
        }
        const rules = files ?? (await activeRules(backend, result, flags));
        return build(result, rules, { events: "sink", file: null, backend: backend.mode });
      });
    }
    output(report, args);
  },
});
