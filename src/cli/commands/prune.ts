import { defineCommand } from "citty";
import { pruneArchive } from "../archive/maintenance.ts";
import { archiveOf, chosenSink, refusePipelines, sinkArg } from "../archive/sink-choice.ts";
import { backendArgs, missingTables, withBackend } from "../backend.ts";
import { parseDuration } from "./preview.ts";

/** Retention: events older than the period go, exposures and conversions alike. */
export default defineCommand({
  meta: { name: "prune", description: "Delete events older than a retention period, e.g. --older-than 400d" },
  args: {
    "older-than": {
      type: "string",
      required: true,
      description: "A period such as 90d or 400d (s, m, h, d)",
    },
    "dry-run": { type: "boolean", description: "Count what would go, delete nothing" },
    ...sinkArg,
    ...backendArgs,
  },
  async run({ args }) {
    const cutoff = Date.now() - parseDuration(args["older-than"]) * 1000;
    const sink = chosenSink(args);
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
