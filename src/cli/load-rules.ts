import { resolve } from "node:path";
import { formatProblem } from "../rules/issues.ts";
import { validateRuleSources } from "../rules/validate.ts";
import type { RuleSet } from "../rules/versions.ts";
import { CLIError, EXIT } from "./errors.ts";
import { readRuleFiles } from "./rule-files.ts";

export const rulesDirArg = {
  dir: { type: "string", description: "Directory of rule files", default: "rules" },
} as const;

/** Reads and validates the rule files, or fails listing every error with its file and path. */
export function loadValidRules(dir: string): Required<RuleSet> {
  const result = validateRuleSources(readRuleFiles(resolve(dir), process.cwd()));
  for (const warning of result.warnings) console.error(`warning: ${formatProblem(warning)}`);
  if (result.errors.length > 0) {
    throw new CLIError(
      [
        `${result.errors.length} error(s) in the rules; nothing was written:`,
        ...result.errors.map(formatProblem),
      ].join("\n"),
      EXIT.invalid,
    );
  }
  return { experiments: result.experiments, settings: result.settings };
}
