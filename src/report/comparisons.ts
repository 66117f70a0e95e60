/**
 * Every treatment × metric comparison of an experiment phase, with Holm–Bonferroni across the arms compared on
 * the same metric and statistic: for the primary metric that is the family "arms × primary metric" the verdict
 * reads; the same adjustment is shown for the others.
 */

import { holmBonferroni } from "../stats/index.ts";
import { type CompareOptions, compare } from "./compare.ts";
import type { MetricSpec } from "./metrics.ts";
import type { Comparison } from "./model.ts";
import type { ArmSums } from "./sums.ts";

export interface ComparisonPlan {
  baseline: string;
  treatments: readonly string[];
  specs: readonly MetricSpec[];
  /** false for exploratory breakdowns: pAdjusted stays null, `significant` reads the raw p. */
  adjust: boolean;
}

export function adjustFamily(family: Comparison[], alpha: number): void {
  const tested = family.filter((comparison) => comparison.p !== null);
  const adjusted = holmBonferroni(tested.map((comparison) => comparison.p as number));
  tested.forEach((comparison, i) => {
    comparison.pAdjusted = adjusted[i] ?? null;
    comparison.significant = comparison.pAdjusted !== null && comparison.pAdjusted < alpha;
  });
}

export function comparisonsOf(
  arms: ReadonlyMap<string, ArmSums>,
  plan: ComparisonPlan,
  options: CompareOptions,
): Comparison[] {
  const baseline = { id: plan.baseline, sums: arms.get(plan.baseline) };
  const all: Comparison[] = [];
  for (const spec of plan.specs) {
    const family = plan.treatments.map((id) =>
      compare(baseline, { id, sums: arms.get(id) }, spec.metric, spec.statistic, spec.role, options),
    );
    if (plan.adjust) adjustFamily(family, options.alpha);
    else for (const comparison of family) comparison.pAdjusted = null;
    all.push(...family);
  }
  return all;
}
