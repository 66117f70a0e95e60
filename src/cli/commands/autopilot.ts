import { defineCommand } from "citty";
import { inspect, readActed } from "../../autopilot/run.ts";
import { backendArgs, missingTables, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { printJson, table } from "../output.ts";

export default defineCommand({
  meta: {
    name: "autopilot",
    description:
      "Show what the scheduled autopilot would do now (pause on a broken split, alert on harm or selector drift)",
  },
  args: {
    "dry-run": {
      type: "boolean",
      description: "Decide against the current state and act on nothing (required)",
    },
    json: { type: "boolean", description: "Print findings as JSON" },
    ...backendArgs,
  },
  async run({ args }) {
    if (!args["dry-run"])
      throw new CLIError(
        "the autopilot acts from the worker's Cron Trigger; pass --dry-run to see what it would do now",
        EXIT.invalid,
      );
    await withBackend(args, async (backend) => {
      const { snapshot, findings, reweights } = await inspect(backend.rules, backend.sink, new Date()).catch(
        missingTables(backend),
      );
      if (!snapshot) return console.log("nothing has been pushed yet");
      const acted = new Set(await readActed(backend.rules));
      const rows = findings.map((finding) => ({ ...finding, done: acted.has(finding.key) }));
      if (args.json)
        return printJson({
          version: snapshot.version,
          findings: rows,
          reweights: reweights.map(({ experiment, phase, period, bestProbability }) => ({
            experiment,
            phase,
            period: period.id,
            weights: period.weights,
            bestProbability,
          })),
        });
      for (const due of reweights) console.log(`would reweight ${due.experiment}: ${due.reason}`);
      if (rows.length === 0 && reweights.length === 0)
        return console.log(`version ${snapshot.version}: the autopilot finds nothing to act on`);
      if (rows.length === 0) return;
      console.log(
        table(
          ["experiment", "rule", "would", "why"],
          rows.map((row) => [
            row.experiment,
            row.rule,
            row.done ? `${row.action} (done already)` : row.action,
            row.reason,
          ]),
        ),
      );
    });
  },
});
