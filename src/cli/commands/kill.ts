import { defineCommand } from "citty";
import { setKilled } from "../../rules/versions.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { authorArgs, authorOf } from "./push.ts";

export default defineCommand({
  meta: {
    name: "kill",
    description:
      "Switch experiments off at once: they serve the control and log nothing (undo with --revive)",
  },
  args: {
    experiment: { type: "positional", required: false, description: "Experiment id" },
    all: { type: "boolean", description: "Kill every experiment" },
    revive: { type: "boolean", description: "Switch the experiment back on" },
    ...authorArgs,
    ...backendArgs,
  },
  async run({ args }) {
    if (!args.all && !args.experiment) throw new CLIError("name an experiment, or pass --all", EXIT.invalid);
    if (args.all && args.experiment)
      throw new CLIError("pass an experiment or --all, not both", EXIT.invalid);
    const ids = args.all ? "all" : [args.experiment as string];
    await withBackend(args, async (backend) => {
      const snapshot = await setKilled(backend.rules, ids, Boolean(args.revive), {
        author: authorOf(args.author),
        message: args.message || `${args.revive ? "revive" : "kill"} ${args.all ? "--all" : args.experiment}`,
      });
      console.log(
        `version ${snapshot.version} is active (${backend.mode}); killed: ${snapshot.killed.join(", ") || "none"}`,
      );
      const what = args.all ? "every experiment" : args.experiment;
      console.log(
        args.revive
          ? `Workers serve ${what} again within RULES_REFRESH_SECONDS of KV reaching them (~60 s on Cloudflare).`
          : `Workers stop serving ${what} within RULES_REFRESH_SECONDS of KV reaching them (~60 s on Cloudflare).`,
      );
    });
  },
});
