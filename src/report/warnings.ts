/** Warnings about an experiment phase's data that do not block the verdict but change how to read it. */

import type { CrossoverRule } from "./finalize.ts";
import { percent } from "./format.ts";
import type { SegmentData } from "./sums.ts";

export function experimentWarnings(
  segment: SegmentData | undefined,
  goals: readonly string[],
  rule: CrossoverRule,
): string[] {
  const warnings: string[] = [];
  const exposed = segment
    ? [...segment.arms.values()].reduce((sum, arm) => sum + arm.visitors, 0) +
      (rule === "exclude" ? segment.crossovers : 0)
    : 0;
  if (segment && segment.crossovers > 0.01 * exposed) {
    const share = percent(segment.crossovers / exposed, 1);
    const how = rule === "exclude" ? "were left out" : "are counted in the arm of their first exposure";
    warnings.push(
      `${share} of visitors saw more than one arm and ${how}: look for cookie resets or allocation changes within the phase.`,
    );
  }
  for (const goal of goals) {
    const currencies = segment?.currencies.get(goal);
    if (currencies && currencies.size > 1) {
      warnings.push(
        `${goal} values mix currencies (${[...currencies].sort().join(", ")}): revenue figures add unlike amounts.`,
      );
    }
  }
  return warnings;
}
