import { type AnyNode, cloneNode, type Document, type Element } from "domhandler";
import type { RenderData } from "../../core/page-view/render-data.ts";
import { type Op, opSelector } from "../../core/schema/ops.ts";
import { applyOp } from "../../render/apply-op.ts";
import { childNodes, normalizeText, querySelectorAll } from "./dom.ts";
import { domRewriterElement, emptyEffect, type OpEffect } from "./dom-element.ts";

export interface ExpectedOp {
  index: number;
  op: Op;
  selector: string | undefined;
  /** The elements a browser's `querySelectorAll` finds in the origin page. */
  targets: Element[];
  effect: OpEffect;
  /** Why the op could not be applied in the browser's tree (a selector the DOM refuses, a throwing op). */
  problem: string | undefined;
}

export interface Expected {
  tree: Document;
  ops: ExpectedOp[];
}

function documentOrder(root: AnyNode): Map<AnyNode, number> {
  const order = new Map<AnyNode, number>();
  const walk = (node: AnyNode) => {
    order.set(node, order.size);
    for (const child of childNodes(node)) walk(child);
  };
  walk(root);
  return order;
}

/**
 * The page a browser would show had each op been applied to its DOM: the origin's parsed tree, every op's targets
 * found first (content an op inserts is never a target, as in the rewriter), then the worker's own `applyOp` run on
 * each target in document order, in the rewriter's order on one element.
 */
export function expectedTree(origin: Document, ops: readonly Op[], data: RenderData): Expected {
  const tree = cloneNode(origin, true);
  const expected: ExpectedOp[] = ops.map((op, index) => {
    const selector = opSelector(op);
    let targets: Element[] = [];
    let problem: string | undefined;
    if (selector !== undefined) {
      try {
        targets = querySelectorAll(tree, selector);
      } catch (error) {
        problem = `a browser refuses the selector "${selector}": ${(error as Error).message}`;
      }
    }
    return { index, op, selector, targets, effect: emptyEffect(), problem };
  });
  const order = documentOrder(tree);
  // The rewriter runs one element's handlers in the order their selectors were registered (src/core/page-view/edit-plan.ts).
  const selectorRank = new Map<string | undefined, number>();
  for (const entry of expected)
    if (!selectorRank.has(entry.selector)) selectorRank.set(entry.selector, entry.index);
  const rank = (entry: ExpectedOp) => selectorRank.get(entry.selector) ?? entry.index;
  const steps = expected
    .flatMap((entry) => entry.targets.map((target) => ({ entry, target })))
    .sort(
      (a, b) =>
        (order.get(a.target) ?? 0) - (order.get(b.target) ?? 0) ||
        rank(a.entry) - rank(b.entry) ||
        a.entry.index - b.entry.index,
    );
  for (const { entry, target } of steps) {
    if (entry.problem) continue;
    try {
      applyOp(domRewriterElement(target, entry.effect), entry.op, data);
    } catch (error) {
      entry.problem = `the op throws: ${(error as Error).message}`;
    }
  }
  normalizeText(tree);
  return { tree, ops: expected };
}
