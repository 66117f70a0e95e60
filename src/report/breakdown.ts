/**
 * Breakdown by device, country, source or segment: the same figures and comparisons per group, flagged
 * exploratory — no Holm adjustment and no verdicts, because slicing after the fact finds "effects" by chance.
 */

import { armFigures } from "./arm-figures.ts";
import type { CompareOptions } from "./compare.ts";
import { type ComparisonPlan, comparisonsOf } from "./comparisons.ts";
import type { ArmRole, ExperimentConfig } from "./config.ts";
import type { Breakdown } from "./model.ts";
import { sampleRatioOf } from "./sample-ratio.ts";
import type { Dimension } from "./segment.ts";
import type { ArmSums } from "./sums.ts";

const BREAKDOWN_NOTE =
  "Exploratory: no multiple-comparison correction and no verdict. With enough groups some will differ by chance; " +
  "treat a difference here as a hypothesis for a new test.";

export interface BreakdownInput {
  by: Dimension;
  groups: ReadonlyMap<string, ReadonlyMap<string, ArmSums>>;
  config: ExperimentConfig | undefined;
  armRoles: readonly { id: string; role: ArmRole | "unexpected" }[];
  plan: ComparisonPlan | undefined;
  goals: readonly string[];
  primary: string;
  currency: string | null;
  options: CompareOptions;
}

export function breakdownOf(input: BreakdownInput): Breakdown {
  const total = (arms: ReadonlyMap<string, ArmSums>) =>
    [...arms.values()].reduce((sum, arm) => sum + arm.visitors, 0);
  const groups = [...input.groups]
    .sort(([a, armsA], [b, armsB]) => total(armsB) - total(armsA) || a.localeCompare(b))
    .map(([value, arms]) => ({
      value,
      srmP: input.config ? sampleRatioOf(input.config, arms).p : null,
      arms: input.armRoles.map((arm) =>
        armFigures(arm.id, arm.role, arms.get(arm.id), input.goals, input.primary, input.currency),
      ),
      comparisons: input.plan ? comparisonsOf(arms, { ...input.plan, adjust: false }, input.options) : [],
    }));
  return { by: input.by, exploratory: true, note: BREAKDOWN_NOTE, groups };
}
