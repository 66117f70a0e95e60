import { defineCommand } from "citty";
import { readActive } from "../../rules/versions.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { printJson, table } from "../output.ts";

export default defineCommand({
  meta: { name: "list", description: "List the experiments in the active version" },
  args: { json: { type: "boolean", description: "Print as JSON" }, ...backendArgs },
  async run({ args }) {
    await withBackend(args, async (backend) => {
      const snapshot = await readActive(backend.rules);
      if (!snapshot) return console.log("nothing has been pushed yet");
      const killed = new Set(snapshot.killed);
      const rows = snapshot.experiments.map((experiment) => ({
        id: experiment.id,
        status: killed.has(experiment.id) ? "killed" : experiment.status,
        pages: experiment.pages.join(" "),
        coverage: experiment.coverage,
        variants: experiment.variants.map((variant) => `${variant.id}:${variant.weight}`).join(" "),
        primary: experiment.metrics.primary,
      }));
      if (args.json) return printJson({ version: snapshot.version, experiments: rows });
      console.log(`active version ${snapshot.version} (${backend.mode})`);
      console.log(
        table(
          ["experiment", "status", "pages", "coverage", "variants", "primary metric"],
          rows.map((row) => [row.id, row.status, row.pages, String(row.coverage), row.variants, row.primary]),
        ),
      );
    });
  },
});
