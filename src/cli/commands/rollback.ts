import { defineCommand } from "citty";
import { rollback } from "../../rules/versions.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";

export default defineCommand({
  meta: {
    name: "rollback",
    description: "Make an earlier version active again (default: the one before the active one)",
  },
  args: {
    version: { type: "positional", required: false, description: "Version to make active" },
    ...backendArgs,
  },
  async run({ args }) {
    const target = args.version === undefined ? undefined : Number(args.version);
    if (target !== undefined && (!Number.isInteger(target) || target <= 0)) {
      throw new CLIError(`"${args.version}" is not a version number`, EXIT.invalid);
    }
    await withBackend(args, async (backend) => {
      const { from, to } = await rollback(backend.rules, target);
      console.log(`active version is now ${to} (was ${from}, ${backend.mode})`);
    });
  },
});
