import { escapeHtml } from "../src/core/html/escape.ts";
import type { Experiment } from "../src/core/schema/experiment.ts";
import type { Op } from "../src/core/schema/ops.ts";

/** GrowthBook's visual-editor change format (`AutoExperimentVariation.domMutations`). */
interface DomMutation {
  selector: string;
  action: "set" | "append" | "remove";
  attribute: string;
  value?: string;
}

interface Variation {
  css?: string;
  domMutations: DomMutation[];
}

/** One Stylist op as the GrowthBook visual editor would store it; the fixture only uses ops both can express. */
function toMutation(op: Op): DomMutation | { css: string } {
  switch (op.op) {
    case "setText":
      return { selector: op.selector, action: "set", attribute: "html", value: escapeHtml(op.value) };
    case "setHtml":
      return { selector: op.selector, action: "set", attribute: "html", value: op.html };
    case "append":
      return { selector: op.selector, action: "append", attribute: "html", value: op.html };
    case "addClass":
      return { selector: op.selector, action: "append", attribute: "class", value: op.value };
    case "removeClass":
      return { selector: op.selector, action: "remove", attribute: "class", value: op.value };
    case "setAttribute":
      return { selector: op.selector, action: "set", attribute: op.name, value: op.value };
    case "removeAttribute":
      return { selector: op.selector, action: "remove", attribute: op.name };
    case "addStyle":
      return { css: op.css };
    default:
      throw new Error(`GrowthBook's visual editor has no equivalent of ${op.op}`);
  }
}

function toVariation(ops: readonly Op[]): Variation {
  const variation: Variation = { domMutations: [] };
  for (const op of ops) {
    const change = toMutation(op);
    if ("css" in change) variation.css = (variation.css ?? "") + change.css;
    else variation.domMutations.push(change);
  }
  return variation;
}

/** Stylist page patterns use `*` for one segment; GrowthBook's "simple" targets use `*` as a wildcard too. */
function urlPatterns(pages: readonly string[]) {
  return pages.map((pattern) => ({ type: "simple", include: true, pattern }));
}

/**
 * The same experiments as a GrowthBook SDK payload: one visual auto-experiment per Stylist experiment, 50/50,
 * bucketed on the `id` attribute (GrowthBook's edge app fills it from the `gbuuid` cookie).
 */
export function growthBookPayload(experiments: readonly Experiment[]) {
  return {
    features: {},
    experiments: experiments.map((experiment) => ({
      key: experiment.id,
      changeId: `${experiment.id}-change`,
      hashAttribute: "id",
      hashVersion: 2,
      seed: experiment.id,
      coverage: experiment.coverage,
      weights: experiment.variants.map(() => 1 / experiment.variants.length),
      urlPatterns: urlPatterns(experiment.pages),
      variations: experiment.variants.map((variant) => toVariation(variant.ops)),
      meta: experiment.variants.map((variant) => ({ key: variant.id })),
    })),
  };
}
