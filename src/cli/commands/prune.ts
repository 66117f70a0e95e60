import { defineCommand } from "citty";
import { pruneArchive } from "../archive/maintenance.ts";
import { archiveOf, chosenSink, refusePipelines, sinkArg } from "../archive/sink-choice.ts";
import { backendArgs, missingTables, withBackend } from "../backend.ts";
import { DURATION_UNITS, parseDuration } from "../duration.ts";
import { CLIError, EXIT } from "../errors.ts";

/** Shorter retention than this is almost always a slip of the unit: it needs --force. */
const MIN_RETENTION_SECONDS = 86_400;

/** Retention: events older than the period go, exposures and conversions alike. */
export default defineCommand({
  meta: { name: "prune", description: "Delete events older than a retention period, e.g. --older-than 400d" },
  args: {
    "older-than": {
      type: "string",
      required: true,
      description: `A period such as 90d, 6mo or 1y (${DURATION_UNITS})`,
    },
    force: { type: "boolean", description: "Allow a retention shorter than a day" },
    "dry-run": { type: "boolean", description: "Count what would go, delete nothing" },
    ...sinkArg,
    ...backendArgs,
  },
  async run({ args }) {
    const seconds = parseDuration(args["older-than"]);
    if (seconds < MIN_RETENTION_SECONDS && !args.force) {
      throw new CLIError(
        `--older-than ${args["older-than"]} would delete everything older than ${seconds} s, less than a day: pass --force if you mean it`,
        EXIT.invalid,
      );
    }
    const cutoff = Date.now() - seconds * 1000;
    const sink = await chosenSink(args);
    refusePipelines(sink);
    await withBackend(args, async (backend) => {
      if (sink === "r2") {
        // Whole day partitions: a day goes once all of it is older than the cutoff.
        const result = await pruneArchive(archiveOf(backend), cutoff, Boolean(args["dry-run"]));
        const verb = args["dry-run"] ? "would delete" : "deleted";
        console.log(
          `${verb} ${result.files} archive file(s) in ${result.partitions.length} partition(s) wholly before ${new Date(cutoff).toISOString()} (${backend.mode}, r2)`,
        );
        for (const partition of result.partitions) console.log(`  ${partition}`);
        return;
      }
      const count = async (table: string) =>
        (
          await backend.sink
            .query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ts < ?`, [cutoff])
            .catch(missingTables(backend))
        )[0]?.n ?? 0;
      const found = { events: await count("events"), conversions: await count("conversions") };
      const when = new Date(cutoff).toISOString();
      if (args["dry-run"]) {
        console.log(
          `would delete ${found.events} event(s) and ${found.conversions} conversion(s) before ${when}`,
        );
        return;
      }
      await backend.sink.query("DELETE FROM events WHERE ts < ?", [cutoff]);
      await backend.sink.query("DELETE FROM conversions WHERE ts < ?", [cutoff]);
      console.log(
        `deleted ${found.events} event(s) and ${found.conversions} conversion(s) before ${when} (${backend.mode})`,
      );
    });
  },
});
