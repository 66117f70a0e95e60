import { defineCommand } from "citty";
import { recentAutopilotActions } from "../../autopilot/recent.ts";
import { type ActivityRow, reviewRules } from "../../rules/review.ts";
import { history, readActive } from "../../rules/versions.ts";
import { archiveActivity } from "../archive/archive-events.ts";
import {
  archiveOf,
  chosenSink,
  refusePipelines,
  sinkArg,
  withArchiveReader,
} from "../archive/sink-choice.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { printJson, table } from "../output.ts";

export default defineCommand({
  meta: {
    name: "review",
    description:
      "Find stale rules (overdue, ended, targets missing, no exposures, killed) and list recent autopilot actions",
  },
  args: {
    days: { type: "string", description: "Look-back window in days", default: "7" },
    json: { type: "boolean", description: "Print findings as JSON" },
    ...sinkArg,
    ...backendArgs,
  },
  async run({ args }) {
    const days = Number(args.days);
    if (!Number.isInteger(days) || days < 1 || days > 365)
      throw new CLIError("--days takes 1 to 365", EXIT.invalid);
    const sink = await chosenSink(args);
    refusePipelines(sink);
    await withBackend(args, async (backend) => {
      const snapshot = await readActive(backend.rules);
      if (!snapshot) return console.log("nothing has been pushed yet");
      const now = Date.now();
      const since = now - days * 86_400_000;
      const activity: ActivityRow[] =
        sink === "r2"
          ? await withArchiveReader(
              archiveOf(backend),
              (archive) => archiveActivity(archive, since),
              () => [],
            )
          : await backend.sink.query<ActivityRow>(
              // One row per visitor and arm (migration 0004): views counts the exposures folded in, last_seen the latest.
              "SELECT experiment, phase, type, SUM(views) AS n, MAX(COALESCE(last_seen, ts)) AS last FROM events WHERE COALESCE(last_seen, ts) >= ? GROUP BY experiment, phase, type",
              [since],
            );
      const findings = reviewRules(snapshot, activity, now, days);
      const autopilot = recentAutopilotActions(await history(backend.rules), now, days);
      if (args.json) return printJson({ version: snapshot.version, days, findings, autopilot });
      if (findings.length === 0)
        console.log(`version ${snapshot.version}: nothing stale in the last ${days} days`);
      else
        console.log(
          table(
            ["experiment", "finding", "what to look at"],
            findings.map((f) => [f.experiment, f.kind, f.message]),
          ),
        );
      if (autopilot.length > 0) {
        console.log(
          `\nautopilot actions in the last ${days} days (undo with \`stylist rollback\` or \`kill --revive\`):`,
        );
        console.log(
          table(
            ["version", "created", "what and why"],
            autopilot.map((entry) => [String(entry.version), entry.createdAt, entry.message]),
          ),
        );
      }
    });
  },
});
