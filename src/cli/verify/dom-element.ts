import { type AnyNode, type Element, isTag, Text } from "domhandler";
import { append, appendChild, prepend, prependChild, removeElement } from "domutils";
import type { ContentOptions, RewriterElement } from "../../render/rewriter-types.ts";
import { parseInContext } from "./dom.ts";

/** What one op did to the expected tree: the subtrees it may change (its footprint), and what to look for later. */
export interface OpEffect {
  footprints: AnyNode[];
  /** Attributes the op set or removed, probed with their final value. */
  attributes: Array<{ element: Element; name: string }>;
  /** Elements whose whole content the op replaced. */
  contents: Element[];
  /** Nodes the op inserted. */
  inserted: AnyNode[];
  /** Elements the op took out, and where from. */
  removed: Array<{ parent: AnyNode; node: AnyNode }>;
}

export const emptyEffect = (): OpEffect => ({
  footprints: [],
  attributes: [],
  contents: [],
  inserted: [],
  removed: [],
});

/** How a parser reads a value lol-html writes into a tag: it escapes only `"`, and references are decoded. */
function parsedAttributeValue(value: string): string {
  const [probe] = parseInContext(`<b x="${value.replaceAll('"', "&quot;")}">`, null);
  return probe && isTag(probe) ? (probe.attribs.x ?? "") : value;
}

function contentNodes(content: string, options: ContentOptions | undefined, context: AnyNode | null) {
  return options?.html ? parseInContext(content, context) : [new Text(content)];
}

/**
 * The HTMLRewriter element API with the DOM's meaning: what the worker's own `applyOp` asks lol-html to do, done
 * to a parsed tree the way `element.textContent = …`, `insertAdjacentHTML` or `setAttribute` would in a browser.
 * Running `applyOp` against this gives the tree a browser would show had the op been applied to its DOM.
 */
export function domRewriterElement(element: Element, effect: OpEffect): RewriterElement {
  const parent = () => element.parent;
  const insertAt = (nodes: AnyNode[], place: (node: AnyNode) => void) => {
    for (const node of nodes) place(node);
    effect.inserted.push(...nodes);
  };
  return {
    // lol-html reports the name as written in lower case, as parse5 does for HTML elements.
    tagName: element.name,
    getAttribute: (name) => element.attribs[name.toLowerCase()] ?? null,
    setAttribute(name, value) {
      // lol-html writes the value into the tag as given (it only escapes `"`): a parser decodes references in it.
      element.attribs[name.toLowerCase()] = parsedAttributeValue(value);
      effect.footprints.push(element);
      effect.attributes.push({ element, name: name.toLowerCase() });
    },
    removeAttribute(name) {
      delete element.attribs[name.toLowerCase()];
      effect.footprints.push(element);
      effect.attributes.push({ element, name: name.toLowerCase() });
    },
    setInnerContent(content, options) {
      for (const child of [...element.children]) removeElement(child);
      insertAt(contentNodes(content, options, element), (node) => appendChild(element, node as never));
      effect.footprints.push(element);
      effect.contents.push(element);
    },
    append(content, options) {
      insertAt(contentNodes(content, options, element), (node) => appendChild(element, node as never));
      effect.footprints.push(element);
    },
    prepend(content, options) {
      const nodes = contentNodes(content, options, element);
      // Each prepended before the first of the previous ones keeps their order.
      for (const node of [...nodes].reverse()) prependChild(element, node as never);
      effect.inserted.push(...nodes);
      effect.footprints.push(element);
    },
    before(content, options) {
      const holder = parent();
      insertAt(contentNodes(content, options, holder), (node) => prepend(element, node as never));
      if (holder) effect.footprints.push(holder);
    },
    after(content, options) {
      const holder = parent();
      let anchor: AnyNode = element;
      insertAt(contentNodes(content, options, holder), (node) => {
        append(anchor as never, node as never);
        anchor = node;
      });
      if (holder) effect.footprints.push(holder);
    },
    replace(content, options) {
      const holder = parent();
      let anchor: AnyNode = element;
      insertAt(contentNodes(content, options, holder), (node) => {
        append(anchor as never, node as never);
        anchor = node;
      });
      if (holder) {
        effect.removed.push({ parent: holder, node: element });
        effect.footprints.push(holder);
      }
      removeElement(element);
    },
    remove() {
      const holder = parent();
      if (holder) {
        effect.removed.push({ parent: holder, node: element });
        effect.footprints.push(holder);
      }
      removeElement(element);
    },
  };
}
