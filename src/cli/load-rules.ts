import { resolve } from "node:path";
import type { Audience } from "../core/schema/audience.ts";
import type { Experiment } from "../core/schema/experiment.ts";
import type { Settings } from "../core/schema/settings.ts";
import { formatProblem } from "../rules/issues.ts";
import { validateRuleSources } from "../rules/validate.ts";
import { CLIError, EXIT } from "./errors.ts";
import { readRuleFiles } from "./rule-files.ts";
import { engineSelectorProblem } from "./wasm-rewriter.ts";

export const rulesDirArg = {
  dir: { type: "string", description: "Directory of rule files", default: "rules" },
} as const;

/** Reads and validates the rule files, or fails listing every error with its file and path. */
export interface LoadedRules {
  experiments: Experiment[];
  settings: Settings;
  audiences: Audience[];
}

export function loadValidRules(dir: string): LoadedRules {
  const result = validateRuleSources(readRuleFiles(resolve(dir), process.cwd()), {
    selectorEngine: engineSelectorProblem,
  });
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
  return { experiments: result.experiments, settings: result.settings, audiences: result.audiences };
}
