import type { Located } from "./cross-checks.ts";
import type { RuleProblem } from "./issues.ts";

/** Why the rewriting engine refuses a selector, or undefined; the CLI passes lol-html's own parser. */
export type SelectorEngineCheck = (selector: string) => string | undefined;

/**
 * Every selector of every experiment (its target and each op's), checked by the engine the worker runs, so a
 * selector the schema's own check lets through (`#hero >> h1`) is refused here with its file and path instead of
 * failing on the edge.
 */
export function engineSelectorProblems(
  located: readonly Located[],
  check: SelectorEngineCheck,
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const verdicts = new Map<string, string | undefined>();
  const problemOf = (selector: string) => {
    if (!verdicts.has(selector)) verdicts.set(selector, check(selector));
    return verdicts.get(selector);
  };
  for (const { experiment, file, at } of located) {
    if (experiment.target) {
      const problem = problemOf(experiment.target);
      if (problem)
        problems.push({
          file,
          path: at("target"),
          message: `the rewriter refuses this selector: ${problem}`,
        });
    }
    experiment.variants.forEach((variant, v) => {
      variant.ops.forEach((op, o) => {
        if (!("selector" in op)) return;
        const problem = problemOf(op.selector);
        if (problem)
          problems.push({
            file,
            path: at("variants", v, "ops", o, "selector"),
            message: `the rewriter refuses this selector: ${problem}`,
          });
      });
    });
  }
  return problems;
}
