import { type AnyNode, isComment, isDirective, isTag, isText } from "domhandler";
import { childNodes, describeNode, isAncestorOrSelf, quote } from "./dom.ts";
import type { ExpectedOp } from "./expected.ts";

/** One place where the served page's tree is not the tree a browser should have. */
export interface Difference {
  /** The node of the expected tree where the trees part. */
  node: AnyNode;
  path: string;
  message: string;
  expected: string;
  actual: string;
}

function attributeDifference(expected: Record<string, string>, actual: Record<string, string>) {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  for (const name of names) {
    if (expected[name] !== actual[name]) {
      const show = (value: string | undefined) => (value === undefined ? "absent" : JSON.stringify(value));
      return `attribute ${name}: expected ${show(expected[name])}, got ${show(actual[name])}`;
    }
  }
  return undefined;
}

/**
 * Walks both trees together and returns every place they part. Where an element's children differ in number the
 * walk stops there and reports the element: below it nothing lines up any more.
 */
export function compareTrees(expected: AnyNode, actual: AnyNode): Difference[] {
  const differences: Difference[] = [];
  const differ = (node: AnyNode, other: AnyNode | undefined, message: string, whole = true) =>
    differences.push({
      node,
      path: describeNode(node),
      message,
      expected: whole ? quote(node) : "",
      actual: whole ? quote(other) : "",
    });
  const walk = (e: AnyNode, a: AnyNode) => {
    if (e.type !== a.type) return differ(e, a, `expected a ${e.type} node, got a ${a.type} node`);
    if (isText(e) && isText(a)) {
      if (e.data !== a.data)
        differ(e, a, `text: expected ${JSON.stringify(e.data)}, got ${JSON.stringify(a.data)}`, false);
      return;
    }
    if ((isComment(e) && isComment(a)) || (isDirective(e) && isDirective(a))) {
      if (e.data !== a.data)
        differ(e, a, `expected ${JSON.stringify(e.data)}, got ${JSON.stringify(a.data)}`, false);
      return;
    }
    if (isTag(e) && isTag(a)) {
      if (e.name !== a.name || e.namespace !== a.namespace)
        return differ(e, a, `expected <${e.name}>, got <${a.name}>`);
      const attributes = attributeDifference(e.attribs, a.attribs);
      if (attributes) differ(e, a, attributes);
    }
    const expectedChildren = childNodes(e);
    const actualChildren = childNodes(a);
    if (expectedChildren.length !== actualChildren.length) {
      return differ(
        e,
        a,
        `content: expected ${expectedChildren.length} child node(s), got ${actualChildren.length}`,
      );
    }
    for (const [index, child] of expectedChildren.entries()) walk(child, actualChildren[index] as AnyNode);
  };
  walk(expected, actual);
  return differences;
}

export type OpStatus = "landed" | "no-match" | "unchanged" | "misplaced" | "refused";

interface OpVerdict {
  index: number;
  status: OpStatus;
  targets: number;
  /** The differences at, inside or around what this op changes. */
  differences: Difference[];
  problem: string | undefined;
}

export interface Judgement {
  ops: OpVerdict[];
  /** Differences no op accounts for: content the rules did not name was changed. */
  unexplained: Difference[];
}

/**
 * Each difference belongs to every op whose footprint contains it or lies inside it: an op "landed" only when no
 * difference touches what it changes, and a difference outside every footprint is a change nobody asked for.
 */
export function judge(ops: readonly ExpectedOp[], differences: readonly Difference[]): Judgement {
  const verdicts = ops.map((entry): OpVerdict => {
    const near = differences.filter((difference) =>
      entry.effect.footprints.some(
        (footprint) =>
          isAncestorOrSelf(footprint, difference.node) || isAncestorOrSelf(difference.node, footprint),
      ),
    );
    const status: OpStatus = entry.problem
      ? "refused"
      : entry.targets.length === 0
        ? "no-match"
        : near.length > 0
          ? "misplaced"
          : entry.effect.footprints.length === 0
            ? "unchanged"
            : "landed";
    return {
      index: entry.index,
      status,
      targets: entry.targets.length,
      differences: near,
      problem: entry.problem,
    };
  });
  const unexplained = differences.filter(
    (difference) =>
      !ops.some((entry) =>
        entry.effect.footprints.some((footprint) => isAncestorOrSelf(footprint, difference.node)),
      ),
  );
  return { ops: verdicts, unexplained };
}
