import { defineCommand } from "citty";
import type { StylistEvent } from "../../core/schema/event.ts";
import {
  type AssignmentRow,
  assignmentFromRow,
  type ConversionRow,
  conversionFromRow,
} from "../../sink/rows.ts";
import { newestArchiveEvents } from "../archive/archive-events.ts";
import { openArchive } from "../archive/duckdb-archive.ts";
import {
  archiveOf,
  chosenSink,
  refusePipelines,
  sinkArg,
  withArchiveReader,
} from "../archive/sink-choice.ts";
import { backendArgs, missingTables, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { printJson, table } from "../output.ts";
import type { SqlRunner } from "../stores/types.ts";

interface Filters {
  experiment: string | undefined;
  goal: string | undefined;
  type: string | undefined;
  limit: number;
}

async function readEvents(sink: SqlRunner, filters: Filters): Promise<StylistEvent[]> {
  const wantAssignments = !filters.goal && filters.type !== "conversion";
  const wantConversions =
    !filters.experiment && (filters.type === undefined || filters.type === "conversion");
  const assignments = wantAssignments
    ? await sink.query<AssignmentRow>(
        `SELECT * FROM events WHERE (?1 IS NULL OR experiment = ?1) AND (?2 IS NULL OR type = ?2) ORDER BY ts DESC, id LIMIT ?3`,
        [filters.experiment ?? null, filters.type ?? null, filters.limit],
      )
    : [];
  const conversions = wantConversions
    ? await sink.query<ConversionRow>(
        "SELECT * FROM conversions WHERE (?1 IS NULL OR goal = ?1) ORDER BY ts DESC, id LIMIT ?2",
        [filters.goal ?? null, filters.limit],
      )
    : [];
  return [...assignments.map(assignmentFromRow), ...conversions.map(conversionFromRow)]
    .sort((a, b) => b.ts - a.ts || a.id.localeCompare(b.id))
    .slice(0, filters.limit);
}

function describe(event: StylistEvent): string {
  if (event.type !== "conversion") return `${event.experiment} / ${event.variant} (phase ${event.phase})`;
  const value =
    event.value === undefined ? "" : ` ${(event.value / 100).toFixed(2)} ${event.currency ?? ""}`.trimEnd();
  return `${event.goal}${value}${event.orderId ? ` order ${event.orderId}` : ""}`;
}

export default defineCommand({
  meta: { name: "events", description: "Show the newest events in the analytics sink, newest first" },
  args: {
    experiment: { type: "string", description: "Only exposures and misses of this experiment" },
    goal: { type: "string", description: "Only conversions of this goal" },
    type: { type: "string", description: "exposure, miss or conversion" },
    limit: { type: "string", description: "How many", default: "50" },
    json: { type: "boolean", description: "Print as a JSON array of events (the queue's format)" },
    events: {
      type: "string",
      description:
        "Read archive files instead of the sink: Parquet/NDJSON globs or a directory, e.g. 'archive/**/*.parquet'",
    },
    ...sinkArg,
    ...backendArgs,
  },
  async run({ args }) {
    const limit = Number(args.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
      throw new CLIError("--limit takes a whole number from 1 to 100000", EXIT.invalid);
    }
    if (args.type && !["exposure", "miss", "conversion"].includes(args.type)) {
      throw new CLIError("--type takes exposure, miss or conversion", EXIT.invalid);
    }
    const filters = { experiment: args.experiment, goal: args.goal, type: args.type, limit };
    const show = (events: StylistEvent[], where: string) => {
      if (args.json) return printJson(events);
      if (events.length === 0) return console.log(`no events yet (${where})`);
      console.log(
        table(
          ["time", "type", "what", "visitor", "path", "device"],
          events.map((event) => [
            new Date(event.ts).toISOString(),
            event.type,
            describe(event),
            // The whole id: it is what `stylist forget` takes.
            event.visitor,
            event.path,
            event.device ?? "",
          ]),
        ),
      );
    };
    if (args.events) {
      const archive = await openArchive([args.events]);
      try {
        return show(await newestArchiveEvents(archive, filters), args.events);
      } finally {
        archive.close();
      }
    }
    const sink = await chosenSink(args);
    refusePipelines(sink);
    await withBackend(args, async (backend) => {
      if (sink === "r2") {
        const events = await withArchiveReader(
          archiveOf(backend),
          (archive) => newestArchiveEvents(archive, filters),
          () => [],
        );
        return show(events, `${backend.mode}, r2 archive`);
      }
      const events = await readEvents(backend.sink, filters).catch(missingTables(backend));
      show(events, backend.mode);
    });
  },
});
