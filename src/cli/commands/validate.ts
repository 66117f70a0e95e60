import { resolve } from "node:path";
import { defineCommand } from "citty";
import { formatProblem } from "../../rules/issues.ts";
import { validateRuleSources } from "../../rules/validate.ts";
import { CLIError, EXIT } from "../errors.ts";
import { rulesDirArg } from "../load-rules.ts";
import { printJson } from "../output.ts";
import { pageCacheNotice } from "../page-cache-notice.ts";
import { readRuleFiles } from "../rule-files.ts";
import { engineSelectorProblem } from "../wasm-rewriter.ts";

export default defineCommand({
  meta: {
    name: "validate",
    description: "Check rule files against the schema; errors name the file and exact path",
  },
  args: { ...rulesDirArg, json: { type: "boolean", description: "Print the result as JSON" } },
  run({ args }) {
    const result = validateRuleSources(readRuleFiles(resolve(args.dir), process.cwd()), {
      selectorEngine: engineSelectorProblem,
    });
    if (args.json) {
      printJson({
        valid: result.errors.length === 0,
        errors: result.errors,
        warnings: result.warnings,
        notices: pageCacheNotice(result.settings),
      });
      if (result.errors.length > 0) throw new CLIError("", EXIT.invalid);
      return;
    }
    for (const warning of result.warnings) console.log(`warning: ${formatProblem(warning)}`);
    if (result.errors.length > 0) {
      throw new CLIError(
        [
          `${result.errors.length} error(s):`,
          ...result.errors.map((problem) => `  ${formatProblem(problem)}`),
        ].join("\n"),
        EXIT.invalid,
      );
    }
    const running = result.experiments.filter((experiment) => experiment.status === "running").length;
    console.log(`ok: ${result.experiments.length} experiment(s), ${running} running`);
    for (const line of pageCacheNotice(result.settings)) console.log(line);
  },
});
