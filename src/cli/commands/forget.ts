import { defineCommand } from "citty";
import { backendArgs, missingTables, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";

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
    ...backendArgs,
  },
  async run({ args }) {
    if (!/^[0-9a-f]{32}$/.test(args.visitor))
      throw new CLIError("a visitor id is 32 hex characters", EXIT.invalid);
    await withBackend(args, async (backend) => {
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
