import type { Experiment } from "../core/schema/experiment.ts";
import { opSelector } from "../core/schema/ops.ts";
import { RuleFileSchema } from "../core/schema/rule-file.ts";
import { isBroadSelector } from "../core/selector.ts";
import { formatPath, problemsFromZod, type RuleProblem } from "./issues.ts";

export interface RuleSource {
  file: string;
  text: string;
}

export interface ValidationResult {
  experiments: Experiment[];
  errors: RuleProblem[];
  warnings: RuleProblem[];
}

/**
 * Parses and checks every rule file. Errors make the set unpushable; warnings (such as a selector that will match
 * hundreds of elements) are advice. Nothing is partially accepted: a caller gets all experiments or none.
 */
export function validateRuleSources(sources: readonly RuleSource[]): ValidationResult {
  const errors: RuleProblem[] = [];
  const warnings: RuleProblem[] = [];
  const experiments: Experiment[] = [];
  const firstSeen = new Map<string, string>();
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
    const parsed = RuleFileSchema.safeParse(json);
    if (!parsed.success) {
      errors.push(...problemsFromZod(source.file, parsed.error));
      continue;
    }
    parsed.data.experiments.forEach((experiment, index) => {
      const at = (...path: PropertyKey[]) => formatPath(["experiments", index, ...path]);
      const duplicateOf = firstSeen.get(experiment.id);
      if (duplicateOf) {
        errors.push({
          file: source.file,
          path: at("id"),
          message: `"${experiment.id}" is also defined in ${duplicateOf}`,
        });
      } else firstSeen.set(experiment.id, `${source.file} at ${at()}`);
      experiment.variants.forEach((variant, v) => {
        variant.ops.forEach((op, o) => {
          const selector = opSelector(op);
          if (op.op !== "addStyle" && isBroadSelector(selector)) {
            warnings.push({
              file: source.file,
              path: at("variants", v, "ops", o, "selector"),
              message: `"${selector}" matches by tag alone and may match hundreds of elements, each costing time; prefer an id or class`,
            });
          }
        });
      });
      experiments.push(experiment);
    });
  }
  return errors.length > 0 ? { experiments: [], errors, warnings } : { experiments, errors, warnings };
}
