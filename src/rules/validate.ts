import type { Audience } from "../core/schema/audience.ts";
import type { Experiment } from "../core/schema/experiment.ts";
import { RuleFileSchema } from "../core/schema/rule-file.ts";
import { DEFAULT_SETTINGS, type Settings } from "../core/schema/settings.ts";
import { checkAudiences, type LocatedAudience } from "./audience-checks.ts";
import { checkRuleSet, type Located } from "./cross-checks.ts";
import { engineSelectorProblems, type SelectorEngineCheck } from "./engine-selectors.ts";
import { strictHtmlProblems } from "./html-strict.ts";
import { formatPath, problemsFromZod, type RuleProblem } from "./issues.ts";

export interface RuleSource {
  file: string;
  text: string;
}

export interface ValidationResult {
  experiments: Experiment[];
  settings: Settings;
  audiences: Audience[];
  errors: RuleProblem[];
  warnings: RuleProblem[];
}

/**
 * Parses and checks every rule file, then the set as a whole (ids, layers, overlapping edits, redirects). Errors
 * make the set unpushable; warnings are advice. Nothing is partially accepted: a caller gets all or nothing.
 */
export function validateRuleSources(
  sources: readonly RuleSource[],
  options: { selectorEngine?: SelectorEngineCheck } = {},
): ValidationResult {
  const errors: RuleProblem[] = [];
  const located: Located[] = [];
  const audiences: LocatedAudience[] = [];
  let settings: { value: Settings; file: string } | undefined;
  for (const source of sources) {
    let json: unknown;
    try {
      json = JSON.parse(source.text);
    } catch (error) {
      errors.push({
        file: source.file,
        path: "(root)",
        message: `not valid JSON: ${(error as Error).message}`,
      });
      continue;
    }
    let parsed: ReturnType<typeof RuleFileSchema.safeParse>;
    try {
      parsed = RuleFileSchema.safeParse(json);
    } catch (error) {
      // A condition nested thousands deep exhausts the stack: a clear refusal, not a crash.
      errors.push({
        file: source.file,
        path: "(root)",
        message: `could not be checked: ${(error as Error).message}`,
      });
      continue;
    }
    if (!parsed.success) {
      errors.push(...problemsFromZod(source.file, parsed.error, json));
      continue;
    }
    if (parsed.data.settings) {
      if (settings) {
        errors.push({
          file: source.file,
          path: "settings",
          message: `settings are already given in ${settings.file}`,
        });
      } else settings = { value: parsed.data.settings, file: source.file };
    }
    parsed.data.audiences.forEach((audience, index) => {
      audiences.push({
        audience,
        file: source.file,
        at: (...path) => formatPath(["audiences", index, ...path]),
      });
    });
    parsed.data.experiments.forEach((experiment, index) => {
      located.push({
        experiment,
        file: source.file,
        at: (...path) => formatPath(["experiments", index, ...path]),
      });
    });
  }
  const resolved = settings?.value ?? DEFAULT_SETTINGS;
  const checked = checkRuleSet(located, resolved);
  const audienceChecks = checkAudiences(audiences, located, resolved, settings?.file);
  errors.push(...checked.errors, ...audienceChecks.errors, ...strictHtmlChecks(located));
  if (options.selectorEngine) errors.push(...engineSelectorProblems(located, options.selectorEngine));
  const experiments = located.map((entry) => entry.experiment);
  const valid = errors.length === 0;
  return {
    experiments: valid ? experiments : [],
    settings: resolved,
    audiences: valid ? audiences.map((entry) => entry.audience) : [],
    errors,
    warnings: [...checked.warnings, ...audienceChecks.warnings],
  };
}

/** Every op's rule HTML through the real parser (html-strict.ts), with the exact path of the op's `html`. */
function strictHtmlChecks(located: readonly Located[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  for (const { experiment, file, at } of located) {
    experiment.variants.forEach((variant, v) => {
      variant.ops.forEach((op, o) => {
        if (!("html" in op)) return;
        for (const message of strictHtmlProblems(op.html)) {
          problems.push({ file, path: at("variants", v, "ops", o, "html"), message });
        }
      });
    });
  }
  return problems;
}
