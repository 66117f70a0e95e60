import { userInfo } from "node:os";
import { defineCommand } from "citty";
import { pushRules } from "../../rules/versions.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { loadValidRules, rulesDirArg } from "../load-rules.ts";

export const authorArgs = {
  message: { type: "string", alias: "m", description: "Why this change (kept in history)", default: "" },
  author: { type: "string", description: "Who made it (default: STYLIST_AUTHOR or your login)" },
} as const;

export function authorOf(flag: string | undefined): string {
  return flag || process.env.STYLIST_AUTHOR || userInfo().username;
}

export default defineCommand({
  meta: {
    name: "push",
    description: "Validate the rule files, store them as a new version and make it active",
  },
  args: { ...rulesDirArg, ...authorArgs, ...backendArgs },
  async run({ args }) {
    const rules = loadValidRules(args.dir);
    await withBackend(args, async (backend) => {
      const { snapshot, repaired } = await pushRules(backend.rules, rules, {
        author: authorOf(args.author),
        message: args.message,
      });
      if (repaired)
        console.error(`warning: the previous active rules were unreadable (${repaired}); replaced them`);
      console.log(
        `pushed version ${snapshot.version} (${backend.mode}): ${rules.experiments.length} experiment(s), now active`,
      );
      if (snapshot.killed.length > 0)
        console.log(`still killed: ${snapshot.killed.join(", ")} (stylist kill --revive ID)`);
      console.log(
        "Running workers pick it up within RULES_REFRESH_SECONDS; Cloudflare KV itself can take ~60 s to spread.",
      );
    });
  },
});
