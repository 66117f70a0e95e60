import { defineCommand } from "citty";
import {
  checkedTableName,
  defaultErasureTable,
  ERASURE_ENGINES,
  type ErasureEngine,
  erasureStatements,
} from "../archive/erasure-sql.ts";
import { forgetInBuffer } from "../archive/forget-buffered.ts";
import { forgetInArchive } from "../archive/maintenance.ts";
import { archiveOf, chosenSink, sinkArg } from "../archive/sink-choice.ts";
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
    sql: {
      type: "string",
      description: `Print the statements that erase the visitor in ${ERASURE_ENGINES.join(", ")} (the Pipelines sink's Iceberg table, or a warehouse copy) instead of deleting here`,
    },
    table: {
      type: "string",
      description:
        "With --sql: the table (default r2.stylist.events for spark and trino, else stylist_events)",
    },
    ...sinkArg,
    ...backendArgs,
  },
  async run({ args }) {
    if (!/^[0-9a-f]{32}$/.test(args.visitor))
      throw new CLIError("a visitor id is 32 hex characters", EXIT.invalid);
    if (args.sql !== undefined) {
      if (!(ERASURE_ENGINES as readonly string[]).includes(args.sql))
        throw new CLIError(`--sql takes ${ERASURE_ENGINES.join(", ")}, not "${args.sql}"`, EXIT.invalid);
      const engine = args.sql as ErasureEngine;
      const table = args.table === undefined ? defaultErasureTable(engine) : checkedTableName(args.table);
      process.stdout.write(erasureStatements(engine, args.visitor, table, new Date()));
      return;
    }
    if (args.table !== undefined) throw new CLIError("--table goes with --sql ENGINE", EXIT.invalid);
    const sink = await chosenSink(args);
    if (sink === "pipelines") {
      // The Iceberg table is behind the R2 Data Catalog, out of the CLI's reach: say exactly what to run there.
      process.stdout.write(
        `${erasureStatements("spark", args.visitor, defaultErasureTable("spark"), new Date())}-- The CLI cannot reach the Pipelines sink's Iceberg table: run the above in Spark, or print Trino's with
--   stylist forget ${args.visitor} --sql trino [--table CATALOG.stylist.events]
-- Events still in the queue or the pipeline when it runs arrive after it: run it again once the pipeline's roll
-- interval has passed (and 5 minutes for queue retries). The visitor's D1 rows, if any, go now.
`,
      );
    }
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
      let before: { events: number; conversions: number };
      try {
        before = { events: await count("events"), conversions: await count("conversions") };
      } catch (error) {
        // A project that started on the archive or Pipelines may never have created D1's tables: nothing is there.
        if (sink === "d1" || !/no such table/i.test((error as Error).message))
          throw missingTables(backend)(error as Error);
        console.log(`D1 has no Stylist tables: no events of ${args.visitor} there (${backend.mode})`);
        return;
      }
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
