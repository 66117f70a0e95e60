import type { Decision } from "../core/decide/decision.ts";
import type { SelectorPlan } from "../core/page-view/edit-plan.ts";
import { type Op, opSelector } from "../core/schema/ops.ts";
import type { EndTask, HandledEndTag } from "./end-tasks.ts";
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

/**
 * The element as a dry run sees it: read as it is, written nowhere. A class, so a wrapper is one small object (the
 * control arm makes one per element handler call).
 */
class DryElement implements StreamedElement {
  readonly #element: StreamedElement;
  constructor(element: StreamedElement) {
    this.#element = element;
  }
  get tagName() {
    return this.#element.tagName;
  }
  get attributes() {
    return this.#element.attributes;
  }
  getAttribute(name: string) {
    return this.#element.getAttribute(name);
  }
  setAttribute() {}
  removeAttribute() {}
  setInnerContent() {}
  replace() {}
  remove() {}
  before() {}
  after() {}
  prepend() {}
  append() {}
  removeAndKeepContent() {}
  onEndTag() {}
}

/** The element as a dry run sees it: read as it is, written nowhere. */
export function dryElement(element: StreamedElement): StreamedElement {
  return element instanceof DryElement ? element : new DryElement(element);
}

/** What a dry run's end task is shown at the document's end: it writes nothing there. */
const DRY_DOCUMENT_END = { append: nothing };

/** The end tag as a dry run's task sees it: named and keyed as it is, written nowhere. */
class DryEndTag implements HandledEndTag {
  readonly name: string;
  readonly key: string;
  constructor(end: HandledEndTag) {
    this.name = end.name;
    this.key = end.key;
  }
  before() {}
  after() {}
}

/**
 * A dry run's end task: it sees the end tag and writes nothing at it (nor has it written back: `removesEndTag` is
 * never set). A class, so queuing one allocates one small object.
 */
class DryTask implements EndTask {
  readonly #task: EndTask;
  constructor(task: EndTask) {
    this.#task = task;
  }
  atEnd(end: HandledEndTag) {
    this.#task.atEnd(new DryEndTag(end));
  }
  withoutEndTag(element: StreamedElement) {
    this.#task.withoutEndTag(dryElement(element));
  }
  atDocumentEnd() {
    this.#task.atDocumentEnd(DRY_DOCUMENT_END);
  }
}

export function dryTask(task: EndTask): EndTask {
  return new DryTask(task);
}
