import { writeFileSync } from "node:fs";
import { defineCommand } from "citty";
import { readActive, readSnapshot } from "../../rules/versions.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";

export default defineCommand({
  meta: { name: "pull", description: "Print (or write with --out) a stored version as a rule file" },
  args: {
    version: { type: "string", description: "Version to pull (default: active)" },
    out: { type: "string", description: "Write to this file instead of standard output" },
    ...backendArgs,
  },
  async run({ args }) {
    await withBackend(args, async (backend) => {
      const snapshot = args.version
        ? await readSnapshot(backend.rules, Number(args.version))
        : await readActive(backend.rules);
      if (!snapshot) throw new CLIError("nothing has been pushed yet", EXIT.failed);
      const file = {
        $schema: "../schema/rules.schema.json",
        settings: snapshot.settings,
        audiences: snapshot.audiences,
        experiments: snapshot.experiments,
      };
      const text = `${JSON.stringify(file, null, 2)}\n`;
      if (args.out) {
        writeFileSync(args.out, text, { flag: "wx" });
        console.error(`wrote version ${snapshot.version} to ${args.out}`);
      } else process.stdout.write(text);
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EEXIST")
        throw new CLIError(`${args.out} already exists; pull never overwrites a file`, EXIT.invalid);
      throw error;
    });
  },
});
