import { createReadStream, existsSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { defineCommand } from "citty";
import { EventSchema, type StylistEvent } from "../../core/schema/event.ts";
import { firstIssue } from "../../core/schema/zod-issue.ts";
import { aggregate } from "../../report/aggregate.ts";
import { type BuildOptions, buildReport, reportedPhases } from "../../report/build.ts";
import { configsOf, type ExperimentConfig } from "../../report/config.ts";
import type { CrossoverRule } from "../../report/finalize.ts";
import type { Report } from "../../report/model.ts";
import { renderCsv } from "../../report/render-csv.ts";
import { renderHtml } from "../../report/render-html.ts";
import { renderText } from "../../report/render-text.ts";
import { phaseRules } from "../../report/rules-source.ts";
import { DIMENSIONS, type Dimension } from "../../report/segment.ts";
import { sinkEvents } from "../../report/sink-source.ts";
import type { AggregateResult } from "../../report/sums.ts";
import { parseWindow } from "../../report/window.ts";
import { readActive } from "../../rules/versions.ts";
import { archiveEvents } from "../archive/archive-events.ts";
import { openArchive } from "../archive/duckdb-archive.ts";
import {
  archiveOf,
  chosenSink,
  readsWithDuckDB,
  refusePipelines,
  sinkArg,
  withArchiveReader,
} from "../archive/sink-choice.ts";
import { type BackendFlags, backendArgs, missingTables, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { loadValidRules, rulesDirArg } from "../load-rules.ts";
import { printJson } from "../output.ts";
import { onlyValueOverCap, type Skipped } from "../skipped-events.ts";
import type { Backend } from "../stores/types.ts";

/**
 * Reads an NDJSON file line by line. Every line is parsed and validated on the exposures pass, so a bad line
 * fails the report with its number before anything is printed; the conversions pass re-reads the file and parses
 * only lines that can hold a conversion.
 */

async function* readNdjson(
  file: string,
  pass: "exposures" | "conversions",
  skipped: Skipped,
): AsyncGenerator<StylistEvent> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  for await (const raw of lines) {
    number++;
    const line = number === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    if (line.trim() === "") continue;
    if (pass === "conversions" && !line.includes("conversion") && !line.includes("\\u")) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new CLIError(`${file}:${number}: not JSON: ${(error as Error).message}`, EXIT.invalid);
    }
    const parsed = EventSchema.safeParse(json);
    if (!parsed.success && onlyValueOverCap(json)) {
      // One absurd value (a unit mistake, a test order) must not cost the whole report: skip it and say so.
      if (pass === "exposures") skipped.valuesOverCap++;
      continue;
    }
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      throw new CLIError(
        `${file}:${number}: not a Stylist event: ${issue.path}: ${issue.message}`,
        EXIT.invalid,
      );
    }
    const event = parsed.data;
    if ((event.type === "conversion") === (pass === "conversions")) yield event;
  }
}

/** Exposures first, then conversions: the aggregator's ordering contract, whatever order the file is in. */
async function* fileEvents(file: string, skipped: Skipped): AsyncGenerator<StylistEvent> {
  yield* readNdjson(file, "exposures", skipped);
  yield* readNdjson(file, "conversions", skipped);
}

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
}

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
  const rules = (args.rules as string | undefined) ?? (args.events ? "files" : "active");
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
  };
}

type ConfigFor = BuildOptions["configFor"];

/** Rules from the active version: each reported phase's own, looked up in the history when it is not current. */
async function activeRules(backend: Backend, result: AggregateResult, flags: Parsed) {
  const snapshot = await readActive(backend.rules);
  if (!snapshot) throw new CLIError("nothing has been pushed yet; use --rules files", EXIT.failed);
  const probe: ConfigFor = () => undefined;
  const wanted = reportedPhases(result, {
    experiment: flags.experiment,
    phase: flags.phase,
    configFor: probe,
  });
  const rules = await phaseRules(backend.rules, snapshot, wanted);
  const warnings = rules.missing.map(
    ({ experiment, phase }) =>
      `no stored version has the rules of ${experiment} phase ${phase}: figures only`,
  );
  return { configFor: rules.configFor, version: snapshot.version, warnings };
}

function fileRules(dir: string): { configFor: ConfigFor; version: null; warnings: string[] } {
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
    rules: {
      type: "string",
      description: "active (the active version; default with the sink) or files (default with --events)",
    },
    ...rulesDirArg,
    ...backendArgs,
  },
  async run({ args }) {
    const flags = parseFlags(args);
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
      rules: { configFor: ConfigFor; version: number | null; warnings: string[] },
      source: Pick<Report["source"], "events" | "file" | "backend">,
    ) => {
      const report = buildReport(result, {
        configFor: rules.configFor,
        source: { ...source, rules: flags.rules, rulesVersion: rules.version },
        ...(flags.experiment !== undefined ? { experiment: flags.experiment } : {}),
        ...(flags.phase !== undefined ? { phase: flags.phase } : {}),
        ...(flags.window !== undefined ? { window: flags.window, windowMs: flags.windowMs } : {}),
        ...(flags.by ? { by: flags.by } : { periodGroups: true }),
        sequential: Boolean(args.sequential),
        crossovers: flags.crossovers,
        ...(flags.capPercentile !== undefined ? { capPercentile: flags.capPercentile } : {}),
        ...(flags.cuped ? { cuped: flags.cuped } : {}),
        valuesOverCap: skipped.valuesOverCap,
      });
      report.warnings.push(...rules.warnings);
      return report;
    };
    const backendFlags: BackendFlags = args;
    let report: Report;
    // Rule files are read first, so a mistake in them fails before a long pass over the events.
    const files = flags.rules === "files" ? fileRules(args.dir) : undefined;
    const filter = {
      ...(flags.experiment !== undefined ? { experiment: flags.experiment } : {}),
      ...(flags.phase !== undefined ? { phase: flags.phase } : {}),
      ...(flags.cuped ? { lookbackMs: flags.cuped.lookbackMs } : {}),
    };
    const sink = args.events ? undefined : await chosenSink(args);
    if (sink) refusePipelines(sink);
    if (args.events) {
      const file = args.events;
      let result: AggregateResult;
      if (readsWithDuckDB(file)) {
        const archive = await openArchive([file]);
        try {
          result = await aggregate(archiveEvents(archive, filter, skipped), aggregateOptions);
        } finally {
          archive.close();
        }
      } else result = await aggregate(fileEvents(file, skipped), aggregateOptions);
      const rules =
        files ?? (await withBackend(backendFlags, (backend) => activeRules(backend, result, flags)));
      report = build(result, rules, { events: "file", file, backend: null });
    } else if (sink === "r2") {
      report = await withBackend(backendFlags, async (backend) => {
        const result = await withArchiveReader(archiveOf(backend), (archive) =>
          aggregate(archiveEvents(archive, filter, skipped), aggregateOptions),
        );
        const rules = files ?? (await activeRules(backend, result, flags));
        return build(result, rules, { events: "sink", file: null, backend: backend.mode });
      });
    } else {
      report = await withBackend(backendFlags, async (backend) => {
        const events = sinkEvents(backend.sink, filter);
        const result = await aggregate(events, aggregateOptions).catch(missingTables(backend));
        const rules = files ?? (await activeRules(backend, result, flags));
        return build(result, rules, { events: "sink", file: null, backend: backend.mode });
      });
    }
    output(report, args);
  },
});
