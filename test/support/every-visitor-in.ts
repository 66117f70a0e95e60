import type { Experiment } from "../../src/core/schema/experiment.ts";

/** The experiments with every visitor in one arm: the variant (all of them), or the control. */
export function everyVisitorIn(experiments: readonly Experiment[], arm: "variant" | "control"): Experiment[] {
  return experiments.map((experiment) => ({
    ...experiment,
    variants: experiment.variants.map((variant) => ({
      ...variant,
      weight: (variant.id === "control") === (arm === "control") ? 100 : 0,
    })),
  }));
}
