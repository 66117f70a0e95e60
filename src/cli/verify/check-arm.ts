import type { Document } from "domhandler";
import type { RenderData } from "../../core/page-view/render-data.ts";
import type { Op } from "../../core/schema/ops.ts";
import { compareTrees, type Judgement, judge } from "./compare.ts";
import { normalizeText, parseDocument } from "./dom.ts";
import { type Expected, expectedTree } from "./expected.ts";

export interface ArmCheck {
  expected: Expected;
  served: Document;
  judgement: Judgement;
}

/**
 * The parse check of one arm: the origin's tree with the ops applied as a browser's DOM would take them, against the
 * tree a browser builds from the bytes the rewriter served. An arm with no ops must leave the tree as it was.
 */
export function checkArm(
  originHtml: string,
  servedHtml: string,
  ops: readonly Op[],
  data: RenderData,
): ArmCheck {
  const origin = parseDocument(originHtml);
  const expected = expectedTree(origin, ops, data);
  const served = parseDocument(servedHtml);
  normalizeText(served);
  return { expected, served, judgement: judge(expected.ops, compareTrees(expected.tree, served)) };
}
