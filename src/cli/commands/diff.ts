import { defineCommand } from "citty";
import type { Experiment } from "../../core/schema/experiment.ts";
import { type BlastRadius, blastRadius } from "../../rules/blast-radius.ts";
import { diffExperiments, isEmptyDiff, type RulesDiff } from "../../rules/diff.ts";
import { readActive, readSnapshot } from "../../rules/versions.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { loadValidRules, rulesDirArg } from "../load-rules.ts";
import { printJson } from "../output.ts";

function describeDiff(diff: RulesDiff): string[] {
  const lines: string[] = [];
  for (const id of diff.added) lines.push(`+ ${id} (added)`);
  for (const id of diff.removed) lines.push(`- ${id} (removed)`);
  for (const { id, changes } of diff.changed) {
    lines.push(`~ ${id}`);
    for (const change of changes) {
      lines.push(
        `    ${change.path}: ${JSON.stringify(change.before) ?? "(none)"} → ${JSON.stringify(change.after) ?? "(none)"}`,
      );
    }
  }
  if (diff.unchanged.length > 0) lines.push(`= ${diff.unchanged.length} unchanged`);
  return lines;
}

function describeRadius(radius: BlastRadius[]): string[] {
  return radius.map((entry) => {
    const share = `${(entry.armChangeShare * 100).toFixed(1)}% of its visitors change arm`;
    return `  ${entry.id}: ${entry.newPhase ? "starts a new phase (reports restart); " : ""}${share}`;
  });
}

export default defineCommand({
  meta: {
    name: "diff",
    description: "Compare the rule files with the active version, or two stored versions (--from, --to)",
  },
  args: {
    ...rulesDirArg,
    from: { type: "string", description: "Stored version to compare from (default: active)" },
    to: { type: "string", description: "Stored version to compare to (default: the rule files)" },
    json: { type: "boolean", description: "Print the diff as JSON" },
    ...backendArgs,
  },
  async run({ args }) {
    const version = (flag: string) => {
      const number = Number(flag);
      if (!Number.isInteger(number) || number <= 0)
        throw new CLIError(`"${flag}" is not a version number`, EXIT.invalid);
      return number;
    };
    await withBackend(args, async (backend) => {
      const before: Experiment[] = args.from
        ? (await readSnapshot(backend.rules, version(args.from))).experiments
        : ((await readActive(backend.rules))?.experiments ?? []);
      const after = args.to
        ? (await readSnapshot(backend.rules, version(args.to))).experiments
        : loadValidRules(args.dir).experiments;
      const diff = diffExperiments(before, after);
      const radius = blastRadius(before, after).filter((entry) => entry.newPhase || entry.armChangeShare > 0);
      if (args.json) return printJson({ ...diff, blastRadius: radius });
      const from = args.from ? `version ${args.from}` : "the active version";
      const to = args.to ? `version ${args.to}` : `${args.dir}/`;
      console.log(`${from} → ${to} (${backend.mode})`);
      console.log(isEmptyDiff(diff) ? "no changes" : describeDiff(diff).join("\n"));
      if (radius.length > 0) console.log(`\nBlast radius:\n${describeRadius(radius).join("\n")}`);
    });
  },
});
