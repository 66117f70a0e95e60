import { defineCommand } from "citty";
import { DEFAULT_SETTINGS } from "../../core/schema/settings.ts";
import type { Snapshot } from "../../core/schema/snapshot.ts";
import { type BlastRadius, blastRadius } from "../../rules/blast-radius.ts";
import {
  diffExperiments,
  diffValues,
  isEmptyDiff,
  type RulesDiff,
  type ValueChange,
} from "../../rules/diff.ts";
import { readActive, readSnapshot } from "../../rules/versions.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { loadValidRules, rulesDirArg } from "../load-rules.ts";
import { printJson } from "../output.ts";

const byId = (audiences: ReadonlyArray<{ id: string }>) =>
  Object.fromEntries(audiences.map((a) => [a.id, a]));

function describeChange(change: ValueChange): string {
  return `${change.path}: ${JSON.stringify(change.before) ?? "(none)"} → ${JSON.stringify(change.after) ?? "(none)"}`;
}

function describeDiff(diff: RulesDiff): string[] {
  const lines: string[] = [];
  for (const id of diff.added) lines.push(`+ ${id} (added)`);
  for (const id of diff.removed) lines.push(`- ${id} (removed)`);
  for (const { id, changes } of diff.changed) {
    lines.push(`~ ${id}`);
    for (const change of changes) {
      lines.push(`    ${describeChange(change)}`);
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

/** Each bandit experiment's current allocation period and weights, as a reweight changes them. */
function periodsOf(phases: Snapshot["phases"]) {
  return Object.fromEntries(
    Object.entries(phases).flatMap(([id, phase]) =>
      phase.period ? [[id, { id: phase.period.id, weights: phase.period.weights }]] : [],
    ),
  );
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
      const stored = async (flag: string | undefined) => {
        const snapshot = flag
          ? await readSnapshot(backend.rules, version(flag))
          : await readActive(backend.rules);
        return {
          experiments: snapshot?.experiments ?? [],
          settings: snapshot?.settings ?? DEFAULT_SETTINGS,
          audiences: snapshot?.audiences ?? [],
          periods: periodsOf(snapshot?.phases ?? {}),
          killed: Object.fromEntries((snapshot?.killed ?? []).map((id) => [id, true])),
        };
      };
      const before = await stored(args.from);
      const after = args.to ? await stored(args.to) : loadValidRules(args.dir);
      const diff = diffExperiments(before.experiments, after.experiments);
      const settings = [
        ...diffValues(before.settings, after.settings, ["settings"]),
        ...diffValues(byId(before.audiences), byId(after.audiences), ["audiences"]),
        // Bandit reweights live in the versions' phases, not in rule files: compared between stored versions only.
        ...("periods" in after ? diffValues(before.periods, after.periods, ["periods"]) : []),
        // So are kills (`stylist kill`, the autopilot's pauses): a pause would otherwise diff as "no changes".
        ...("killed" in after ? diffValues(before.killed, after.killed, ["killed"]) : []),
      ];
      const radius = blastRadius(before, after).filter((entry) => entry.newPhase || entry.armChangeShare > 0);
      if (args.json) return printJson({ ...diff, settings, blastRadius: radius });
      const from = args.from ? `version ${args.from}` : "the active version";
      const to = args.to ? `version ${args.to}` : `${args.dir}/`;
      console.log(`${from} → ${to} (${backend.mode})`);
      const lines = [...settings.map(describeChange), ...describeDiff(diff)];
      console.log(isEmptyDiff(diff) && settings.length === 0 ? "no changes" : lines.join("\n"));
      if (radius.length > 0) console.log(`\nBlast radius:\n${describeRadius(radius).join("\n")}`);
    });
  },
});
