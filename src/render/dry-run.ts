import type { Decision } from "../core/decide/decision.ts";
import type { SelectorPlan } from "../core/page-view/edit-plan.ts";
import { type Op, opSelector } from "../core/schema/ops.ts";
import type { EndTask } from "./end-tasks.ts";
import { placementOf } from "./op-placement.ts";
import type { StreamedElement } from "./rewriter-types.ts";

/**
 * An action of the plan; `dry`: an op of another arm of the same experiment, run without writing anything so that
 * this arm is counted by the same rule as the arm that makes it (see withDryRuns).
 */
export type Action = SelectorPlan["actions"][number] & { dry?: true };

/** Ops whose skip can be decided only after the element's start tag: at its end, or while its content streams. */
function skippedLate(op: Op): boolean {
  if (op.op === "addStyle") return false;
  const placement = placementOf(op);
  return placement === "end" || placement === "extent";
}

/**
 * The plan with, for each decision, the ops of the experiment's other arms that may be skipped after the element's
 * start tag (content and end edits), as dry actions on their selectors, where the decision's own arm has no such op
 * on that selector. A skip decided at an element's end tag (what is inside it, known only as it streams) then
 * refuses the experiment in this arm on the same pages as in the arm that edits, so the arms are counted alike. A
 * selector the arm has no watch on gets one (an experiment with a `target` watches only that).
 */
export function withDryRuns(
  plan: readonly SelectorPlan[],
  decisions: readonly Decision[],
): Array<{ selector: string; actions: Action[] }> {
  const extra = new Map<string, Action[]>();
  decisions.forEach((decision, index) => {
    for (const { selector, op } of dryOpsOf(decision)) {
      const actions = extra.get(selector);
      const action: Action = { decision: index, op, dry: true };
      if (actions) actions.push(action);
      else extra.set(selector, [action]);
    }
  });
  if (extra.size === 0) return plan as Array<{ selector: string; actions: Action[] }>;
  const planned = plan.map(({ selector, actions }) => ({
    selector,
    actions: [...actions, ...(extra.get(selector) ?? [])] as Action[],
  }));
  for (const [selector, actions] of extra)
    if (!plan.some((entry) => entry.selector === selector)) planned.push({ selector, actions });
  return planned;
}

/** The other arms' ops a decision runs dry, per compiled experiment and arm: the same on every page view. */
const dryOpsByExperiment = new WeakMap<
  Decision["compiled"],
  Map<string, ReadonlyArray<{ selector: string; op: Op }>>
>();
function dryOpsOf(decision: Decision): ReadonlyArray<{ selector: string; op: Op }> {
  let byArm = dryOpsByExperiment.get(decision.compiled);
  if (!byArm) {
    byArm = new Map();
    dryOpsByExperiment.set(decision.compiled, byArm);
  }
  let found = byArm.get(decision.variant.id);
  if (!found) {
    const own = new Set(decision.variant.ops.filter(skippedLate).map(opSelector));
    const added = new Set<string>();
    const dry: Array<{ selector: string; op: Op }> = [];
    for (const variant of decision.compiled.experiment.variants) {
      if (variant.id === decision.variant.id) continue;
      for (const op of variant.ops) {
        const selector = opSelector(op);
        if (selector === undefined || !skippedLate(op) || own.has(selector)) continue;
        // One dry op per kind of edit is enough: what decides a skip is where the edit lands, not what it writes.
        const kind = `${selector}\n${op.op}`;
        if (added.has(kind)) continue;
        added.add(kind);
        dry.push({ selector, op });
      }
    }
    found = dry;
    byArm.set(decision.variant.id, found);
  }
  return found;
}

const nothing = () => undefined;

/** The element as a dry run sees it: read as it is, written nowhere. */
export function dryElement(element: StreamedElement): StreamedElement {
  return {
    get tagName() {
      return element.tagName;
    },
    get attributes() {
      return element.attributes;
    },
    getAttribute: (name) => element.getAttribute(name),
    setAttribute: nothing,
    removeAttribute: nothing,
    setInnerContent: nothing,
    replace: nothing,
    remove: nothing,
    before: nothing,
    after: nothing,
    prepend: nothing,
    append: nothing,
    removeAndKeepContent: nothing,
    onEndTag: nothing,
  };
}

/** A dry run's end task: it sees the end tag and writes nothing at it (nor has it written back). */
export function dryTask(task: EndTask): EndTask {
  return {
    atEnd: (end) => task.atEnd({ name: end.name, key: end.key, before: nothing, after: nothing }),
    withoutEndTag: (element) => task.withoutEndTag(dryElement(element)),
    atDocumentEnd: () => task.atDocumentEnd({ append: nothing }),
  };
}
