import { assignVariant } from "./assign.ts";
import type { CompiledExperiment, CompiledRules } from "./compile.ts";
import { isControl } from "./compile.ts";
import type { VisitorContext } from "./context.ts";
import { bucket } from "./hash.ts";
import type { Variant } from "./schema/experiment.ts";

export interface Decision {
  compiled: CompiledExperiment;
  variant: Variant;
  control: boolean;
  /** The visitor's position in [0, 1) for this experiment, kept for explanations and audits. */
  bucket: number;
}

/** Experiments whose page patterns cover this path, in rule order, each once. */
export function candidatesFor(rules: CompiledRules, path: string): CompiledExperiment[] {
  const exact = rules.byExactPath.get(path) ?? [];
  if (rules.byPattern.length === 0) return exact;
  const found = new Set(exact);
  for (const { pattern, experiment } of rules.byPattern) {
    if (!found.has(experiment) && pattern.test(path)) found.add(experiment);
  }
  return rules.live.filter((experiment) => found.has(experiment));
}

export type Exclusion = "audience" | "coverage";

export interface Evaluation {
  compiled: CompiledExperiment;
  decision: Decision | undefined;
  excludedBy: Exclusion | undefined;
  bucket: number;
}

/** Evaluates every experiment on the page, keeping why a visitor was left out (for `stylist simulate`). */
export function evaluate(context: VisitorContext, rules: CompiledRules): Evaluation[] {
  return candidatesFor(rules, context.path).map((compiled) => {
    const position = bucket(compiled.seed, context.visitorId);
    if (compiled.audience && !compiled.audience(context)) {
      return { compiled, decision: undefined, excludedBy: "audience", bucket: position };
    }
    const variant = assignVariant(compiled.experiment.variants, compiled.experiment.coverage, position);
    if (!variant) return { compiled, decision: undefined, excludedBy: "coverage", bucket: position };
    return {
      compiled,
      decision: { compiled, variant, control: isControl(variant), bucket: position },
      excludedBy: undefined,
      bucket: position,
    };
  });
}

/** The arms this visitor gets on this page. Empty means the page is served exactly as the origin sent it. */
export function decide(context: VisitorContext, rules: CompiledRules): Decision[] {
  const decisions: Decision[] = [];
  for (const evaluation of evaluate(context, rules))
    if (evaluation.decision) decisions.push(evaluation.decision);
  return decisions;
}
