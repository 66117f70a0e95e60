import { defineCommand } from "citty";
import { forgetInBuffer } from "../archive/forget-buffered.ts";
import { forgetInArchive } from "../archive/maintenance.ts";
import { archiveOf, chosenSink, refusePipelines, sinkArg } from "../archive/sink-choice.ts";
import { backendArgs, missingTables, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { readProjectConfig } from "../project.ts";

/** A data subject's request: every event with their visitor id goes, exposures and conversions alike. */
export default defineCommand({
  meta: {
    name: "forget",
    description: "Delete every event of one visitor from the sink (a data subject's request)",
  },
  args: {
    visitor: {
      type: "positional",
      required: true,
      description: "The 32-character visitor id (see /_stylist/why)",
    },
    ...sinkArg,
    ...backendArgs,
  },
  async run({ args }) {
    if (!/^[0-9a-f]{32}$/.test(args.visitor))
      throw new CLIError("a visitor id is 32 hex characters", EXIT.invalid);
    const sink = await chosenSink(args);
    refusePipelines(sink);
    await withBackend(args, async (backend) => {
      if (sink === "r2") {
        const archive = archiveOf(backend);
        const buffered = (await readProjectConfig(args.config)).archiveBuffered;
        if (buffered) await forgetInBuffer(backend.rules, args.visitor);
        const result = await forgetInArchive(archive, args.visitor);
        console.log(
          `deleted ${result.events} event(s) of ${args.visitor} from the r2 archive: ${result.filesRewritten} file(s) rewritten, ${result.filesDeleted} deleted, ${result.filesRead} read (${backend.mode})`,
        );
        console.log(
          !buffered
            ? "Events still in the queue when this ran are written within a few minutes (batch wait plus retries): run forget again after 5 minutes to catch them."
            : backend.mode === "local"
              ? "Their events still in the archive buffer or the queue are dropped when the buffer next writes a file."
              : "Their events still in the archive buffer or the queue are dropped when the buffer next writes a file, once the mark reaches it (KV: up to a minute); run forget again after a minute to catch a file written meanwhile.",
        );
      }
      // D1 as well, whatever the sink: it may hold events from before a switch to the archive.
      const count = async (table: string) =>
        (
          await backend.sink.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE visitor = ?`, [
            args.visitor,
          ])
        )[0]?.n ?? 0;
      const before = { events: await count("events"), conversions: await count("conversions") };
      await backend.sink
        .query("DELETE FROM events WHERE visitor = ?", [args.visitor])
        .catch(missingTables(backend));
      await backend.sink.query("DELETE FROM conversions WHERE visitor = ?", [args.visitor]);
      console.log(
        `deleted ${before.events} exposure/miss event(s) and ${before.conversions} conversion(s) of ${args.visitor} (${backend.mode})`,
      );
      console.log(
        "The visitor's own cookies are on their device: /_stylist/why lets them clear them and object.",
      );
    });
  },
});
