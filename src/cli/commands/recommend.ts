import { defineCommand } from "citty";
import { CATALOGUE_KEY, CatalogueSchema } from "../../core/schema/catalogue.ts";
import { type BuiltTable, buildTable } from "../../recommend/build.ts";
import { DAY_MS, DEFAULT_PARAMS, type RecommendParams } from "../../recommend/params.ts";
import { PublishError, publishTable, rollbackTable } from "../../recommend/publish.ts";
import { buildReport } from "../../recommend/report.ts";
import type { RuleStore } from "../../rules/store.ts";
import { withD1Signals } from "../archive/d1-signals.ts";
import { type ArchiveReader, openArchive } from "../archive/duckdb-archive.ts";
import {
  archiveOf,
  chosenSink,
  refusePipelines,
  sinkArg,
  withArchiveReader,
} from "../archive/sink-choice.ts";
import { backendArgs, missingTables, withBackend } from "../backend.ts";
import { parseDuration } from "../duration.ts";
import { CLIError, EXIT } from "../errors.ts";
import { printJson } from "../output.ts";

function number(name: string, text: string | undefined, fallback: number, range: [number, number]): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < range[0] || value > range[1])
    throw new CLIError(`--${name} takes a number from ${range[0]} to ${range[1]}, not ${text}`, EXIT.invalid);
  return value;
}

function days(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  try {
    return parseDuration(text) / DAY_MS;
  } catch (error) {
    throw new CLIError(`--${name}: ${(error as Error).message}`, EXIT.invalid);
  }
}

const buildArgs = {
  window: { type: "string", description: "Days of events to learn from, ending at the newest (default 56d)" },
  "half-life": { type: "string", description: "An event this old counts half (default 14d)" },
  k: { type: "string", description: "Products kept per list (default 12, at most 24)" },
  "min-support": { type: "string", description: "Sessions plus buyers a pair needs (default 3)" },
  shrinkage: { type: "string", description: "Shrinkage of rare pairs (default 10)" },
  "brand-cap": { type: "string", description: "At most this many of one brand per list (default 3)" },
  "min-sessions": { type: "string", description: "Gate: sessions in the window (default 500)" },
  "min-orders": { type: "string", description: "Gate: orders in the window (default 50)" },
  "max-age": { type: "string", description: "Gate: age of the newest event (default 48h)" },
  "max-bot-share": {
    type: "string",
    description: "Gate: share of events from bot-like visitors (default 0.05)",
  },
  "min-coverage": {
    type: "string",
    description: "Gate: share of the catalogue with learnt lists (default 0.5)",
  },
  "max-concentration": {
    type: "string",
    description: "Gate: share of list slots taken by the 10 most shown products (default 0.5)",
  },
  "dry-run": { type: "boolean", description: "Build, evaluate and check the gates; publish nothing" },
  json: { type: "boolean", description: "Print the build report as JSON" },
  events: {
    type: "string",
    description: "Read archive files (Parquet/NDJSON globs or a directory) instead of the sink",
  },
} as const;

function paramsOf(args: Record<string, unknown>): RecommendParams {
  const text = (name: string) => (typeof args[name] === "string" ? (args[name] as string) : undefined);
  const d = DEFAULT_PARAMS;
  const maxAge = text("max-age");
  return {
    ...d,
    windowDays: days("window", text("window"), d.windowDays),
    halfLifeDays: days("half-life", text("half-life"), d.halfLifeDays),
    k: number("k", text("k"), d.k, [1, 24]),
    minSupport: number("min-support", text("min-support"), d.minSupport, [1, 1e6]),
    shrinkage: number("shrinkage", text("shrinkage"), d.shrinkage, [0, 1e6]),
    brandCap: number("brand-cap", text("brand-cap"), d.brandCap, [1, 24]),
    gates: {
      minSessions: number("min-sessions", text("min-sessions"), d.gates.minSessions, [0, 1e9]),
      minOrders: number("min-orders", text("min-orders"), d.gates.minOrders, [0, 1e9]),
      maxAgeHours: maxAge === undefined ? d.gates.maxAgeHours : days("max-age", maxAge, 0) * 24,
      maxBotShare: number("max-bot-share", text("max-bot-share"), d.gates.maxBotShare, [0, 1]),
      minCoverage: number("min-coverage", text("min-coverage"), d.gates.minCoverage, [0, 1]),
      maxConcentration: number(
        "max-concentration",
        text("max-concentration"),
        d.gates.maxConcentration,
        [0, 1],
      ),
    },
  };
}

async function catalogueOf(store: RuleStore) {
  const text = await store.get(CATALOGUE_KEY);
  if (text === null)
    throw new CLIError("no catalogue in KV: store one first with `stylist catalogue FILE`", EXIT.failed);
  const parsed = CatalogueSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new CLIError(
      "the catalogue in KV is invalid: store it again with `stylist catalogue FILE`",
      EXIT.failed,
    );
  return parsed.data.products;
}

const build = defineCommand({
  meta: {
    name: "build",
    description:
      "Learn recommendations from the sink's product signals, check the gates, and publish a table to KV",
  },
  args: { ...buildArgs, ...sinkArg, ...backendArgs },
  async run({ args }) {
    const params = paramsOf(args);
    const clock = Date.now();
    await withBackend(args, async (backend) => {
      const catalogue = await catalogueOf(backend.rules);
      const run = (archive: ArchiveReader) => buildTable(archive, catalogue, params, clock);
      let built: BuiltTable;
      if (args.events) {
        const archive = await openArchive([args.events]);
        try {
          built = await run(archive);
        } finally {
          archive.close();
        }
      } else {
        const sink = await chosenSink(args);
        refusePipelines(sink);
        built =
          sink === "r2"
            ? await withArchiveReader(archiveOf(backend), run)
            : await withD1Signals(backend.sink, run).catch((error: Error) => {
                if (error instanceof CLIError) throw error;
                return missingTables(backend)(error);
              });
      }
      const passed = built.gates.every((gate) => gate.passed);
      let version: number | undefined;
      if (passed && !args["dry-run"]) {
        version = await publishTable(backend.rules, built, {
          builtAt: new Date(clock).toISOString(),
          products: built.lists.size,
          window: {
            since: new Date(built.window.since).toISOString(),
            until: new Date(built.window.until).toISOString(),
          },
          params,
          gates: built.gates,
          evaluation: built.evaluation,
        });
      }
      if (args.json) printJson({ ...buildReport.json(built, params), published: version ?? null });
      else
        console.log(
          buildReport.text(built, params, { version, dryRun: Boolean(args["dry-run"]), mode: backend.mode }),
        );
      if (!passed) process.exitCode = EXIT.failed;
    });
  },
});

const rollback = defineCommand({
  meta: { name: "rollback", description: "Make an earlier recommendation table active again (one KV write)" },
  args: {
    version: { type: "positional", required: false, description: "Table version (default: the one before)" },
    ...backendArgs,
  },
  async run({ args }) {
    const target = args.version === undefined ? undefined : Number(args.version);
    if (target !== undefined && !(Number.isInteger(target) && target > 0))
      throw new CLIError(`the version is a whole number, not ${args.version}`, EXIT.invalid);
    await withBackend(args, async (backend) => {
      try {
        const { from, to } = await rollbackTable(backend.rules, target);
        console.log(
          `recommendation table ${from === undefined ? "" : `v${from} → `}v${to} active (${backend.mode})`,
        );
      } catch (error) {
        if (error instanceof PublishError) throw new CLIError(error.message, EXIT.failed);
        throw error;
      }
    });
  },
});

export default defineCommand({
  meta: {
    name: "recommend",
    description: "Build, publish and roll back recommendation tables (docs/recommendations.md)",
  },
  subCommands: { build, rollback },
});
