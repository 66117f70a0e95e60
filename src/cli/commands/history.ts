import { defineCommand } from "citty";
import { history } from "../../rules/versions.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { printJson, table } from "../output.ts";

export default defineCommand({
  meta: { name: "history", description: "List stored rule versions, newest first" },
  args: { json: { type: "boolean", description: "Print as JSON" }, ...backendArgs },
  async run({ args }) {
    await withBackend(args, async (backend) => {
      const entries = await history(backend.rules);
      if (args.json) return printJson(entries);
      if (entries.length === 0) return console.log("nothing has been pushed yet");
      console.log(
        table(
          ["", "version", "created", "author", "experiments", "message"],
          entries.map((entry) => [
            entry.active ? "*" : "",
            String(entry.version),
            entry.createdAt,
            entry.author,
            String(entry.experiments),
            entry.message,
          ]),
        ),
      );
    });
  },
});
