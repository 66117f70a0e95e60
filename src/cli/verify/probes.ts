import { type AnyNode, type Document, isTag, isText } from "domhandler";
import { cssPath, isAncestorOrSelf, querySelectorAll, textOf } from "./dom.ts";
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
      // Content that replaced an element's whole content is probed as that element's text, above.
      if (!attached(node) || effect.contents.some((element) => node.parent === element)) continue;
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

/**
 * Whether a probe holds in a parsed page. The browser check only looks for changes that hold in the served bytes: one
 * that is missing there never landed (the parse check says so); one missing only after the scripts ran was reverted.
 */
export function holdsIn(document: Document, probe: Probe): boolean {
  let element: AnyNode | undefined;
  try {
    [element] = querySelectorAll(document, probe.path);
  } catch {
    return false;
  }
  if (!element || !isTag(element)) return false;
  if (probe.kind === "attribute") return (element.attribs[probe.name] ?? null) === probe.value;
  const text = textOf(element);
  if (probe.kind === "text") return text === probe.text;
  if (probe.kind === "contains") return text.includes(probe.text);
  return !text.includes(probe.text);
}
