/** Warnings about an experiment phase's data that do not block the verdict but change how to read it. */

import { percent } from "./format.ts";
import type { SegmentData } from "./sums.ts";

export function experimentWarnings(
  segment: SegmentData | undefined,
  visitors: number,
  goals: readonly string[],
): string[] {
  const warnings: string[] = [];
  if (segment && segment.crossovers > 0.01 * (visitors + segment.crossovers)) {
    const share = percent(segment.crossovers / (visitors + segment.crossovers), 1);
    warnings.push(
      `${share} of visitors saw more than one arm and were left out: look for cookie resets or allocation changes within the phase.`,
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
