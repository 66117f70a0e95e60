import { type AnyNode, isTag, isText } from "domhandler";
import { cssPath, isAncestorOrSelf, textOf } from "./dom.ts";
import type { Expected } from "./expected.ts";

/** One thing the browser check looks for after the page's scripts ran; `path` is a selector into the live DOM. */
export type Probe =
  | { op: number; kind: "text"; path: string; text: string }
  | { op: number; kind: "contains"; path: string; text: string }
  | { op: number; kind: "lacks"; path: string; text: string }
  | { op: number; kind: "attribute"; path: string; name: string; value: string | null };

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * What each op should have left in the DOM, read from the final expected tree: the text of elements it filled or
 * inserted, inserted text in its parent, removed text gone from the parent, attributes at their final value.
 */
export function probesOf(expected: Expected): Probe[] {
  const attached = (node: AnyNode) => isAncestorOrSelf(expected.tree, node);
  const probes: Probe[] = [];
  for (const entry of expected.ops) {
    const op = entry.index;
    const { effect } = entry;
    for (const { element, name } of effect.attributes) {
      if (attached(element))
        probes.push({
          op,
          kind: "attribute",
          path: cssPath(element),
          name,
          value: element.attribs[name] ?? null,
        });
    }
    for (const element of effect.contents) {
      if (attached(element)) probes.push({ op, kind: "text", path: cssPath(element), text: textOf(element) });
    }
    for (const node of effect.inserted) {
      if (!attached(node)) continue;
      if (isTag(node)) probes.push({ op, kind: "text", path: cssPath(node), text: textOf(node) });
      else if (isText(node) && collapse(node.data) !== "" && node.parent && isTag(node.parent))
        probes.push({ op, kind: "contains", path: cssPath(node.parent), text: collapse(node.data) });
    }
    for (const { parent, node } of effect.removed) {
      const gone = textOf(node);
      if (gone !== "" && attached(parent) && isTag(parent) && !textOf(parent).includes(gone))
        probes.push({ op, kind: "lacks", path: cssPath(parent), text: gone });
    }
  }
  return probes;
}
