import type { Decision } from "../decide/decide.ts";
import { type Op, opSelector } from "../schema/ops.ts";

/** What to do when an element matches one selector: apply an op for one decision, or only note the match. */
interface PlannedAction {
  decision: number;
  op: Op | undefined;
}

export interface SelectorPlan {
  selector: string;
  actions: PlannedAction[];
}

/**
 * Groups every decision's ops and exposure watches by selector, so the rewriter registers each selector once.
 * The control arm contributes the same watches as a variant and no ops: both arms walk the same selectors,
 * so they pay the same processing and are counted by the same rule.
 */
export function planEdits(decisions: readonly Decision[]): SelectorPlan[] {
  const bySelector = new Map<string, PlannedAction[]>();
  const add = (selector: string, action: PlannedAction) => {
    const actions = bySelector.get(selector);
    if (actions) actions.push(action);
    else bySelector.set(selector, [action]);
  };
  decisions.forEach((decision, index) => {
    for (const op of decision.variant.ops) {
      const selector = opSelector(op);
      if (selector) add(selector, { decision: index, op });
    }
    for (const selector of decision.compiled.exposureSelectors)
      add(selector, { decision: index, op: undefined });
  });
  return [...bySelector].map(([selector, actions]) => ({ selector, actions }));
}
