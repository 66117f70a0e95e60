import { selectAll } from "css-select";
import { type AnyNode, type Document, type Element, isTag, isText } from "domhandler";
import { parse, parseFragment, serializeOuter } from "parse5";
import { adapter } from "parse5-htmlparser2-tree-adapter";

/**
 * A browser's reading of HTML: parse5 implements the WHATWG tree-construction rules (implied end tags, foster
 * parenting, template contents, adoption agency), so its tree is the DOM a browser builds from the same text.
 */
export function parseDocument(html: string): Document {
  return parse(html, { treeAdapter: adapter });
}

/** What `element.innerHTML = html` would insert: the fragment parsed in the element's context. */
export function parseInContext(html: string, context: AnyNode | null): AnyNode[] {
  const fragment = parseFragment(context && isTag(context) ? context : null, html, { treeAdapter: adapter });
  return [...fragment.children];
}

/** `querySelectorAll` over the document: css-select, like browsers, never looks inside `<template>` contents. */
export function querySelectorAll(document: Document, selector: string): Element[] {
  return selectAll<AnyNode, Element>(selector, document);
}

function outerHtml(node: AnyNode): string {
  return serializeOuter(node as never, { treeAdapter: adapter });
}

/** A short quote of a node for messages: its markup, cut at `max` characters. */
export function quote(node: AnyNode | undefined, max = 140): string {
  if (!node) return "(nothing)";
  const html = outerHtml(node).replace(/\s+/g, " ");
  return html.length > max ? `${html.slice(0, max - 1)}…` : html;
}

/** The node's children as the DOM lists them; a `<template>`'s are its content fragment's. */
export function childNodes(node: AnyNode): AnyNode[] {
  if (!("children" in node)) return [];
  if (isTag(node) && node.name === "template") {
    const content = node.children[0];
    return content && "children" in content ? [...content.children] : [];
  }
  return [...node.children];
}

/**
 * Adjacent text nodes merged and empty ones dropped, as a parser would leave them: an edit that inserts text next
 * to text yields two nodes where the parsed bytes have one, which is not a difference a reader could see.
 */
export function normalizeText(node: AnyNode): void {
  const holder = isTag(node) && node.name === "template" ? node.children[0] : node;
  if (!holder || !("children" in holder)) return;
  const merged: AnyNode[] = [];
  for (const child of holder.children) {
    const last = merged.at(-1);
    if (isText(child)) {
      if (child.data === "") continue;
      if (last && isText(last)) {
        last.data += child.data;
        continue;
      }
    }
    merged.push(child);
  }
  merged.forEach((child, index) => {
    child.prev = merged[index - 1] ?? null;
    child.next = merged[index + 1] ?? null;
    child.parent = holder as never;
  });
  holder.children = merged as never;
  for (const child of merged) normalizeText(child);
}

/** A selector for one element, `#hero > h1:nth-child(1)`: anchored at the nearest id so it survives scripts that add elements elsewhere. */
export function cssPath(node: AnyNode): string {
  const parts: string[] = [];
  let current: AnyNode | null = node;
  while (current && isTag(current)) {
    const id = current.attribs.id;
    if (id && /^-?[_a-zA-Z][\w-]*$/.test(id)) {
      parts.unshift(`#${id}`);
      break;
    }
    const parent: AnyNode | null = current.parent;
    if (!parent || !isTag(parent)) {
      parts.unshift(current.name);
      break;
    }
    const siblings = parent.children.filter(isTag);
    const name = current.name;
    const unique = siblings.filter((sibling) => sibling.name === name).length === 1;
    parts.unshift(unique ? name : `${name}:nth-child(${siblings.indexOf(current) + 1})`);
    current = parent;
  }
  return parts.join(" > ") || "(document)";
}

/** For text nodes and other non-elements: their element's path, with what kind of node is meant. */
export function describeNode(node: AnyNode): string {
  if (isTag(node)) return cssPath(node);
  const parent = node.parent;
  const kind = isText(node) ? "text" : node.type;
  return parent && isTag(parent) ? `${cssPath(parent)} (${kind})` : `(document ${kind})`;
}

export function isAncestorOrSelf(ancestor: AnyNode, node: AnyNode): boolean {
  for (let current: AnyNode | null = node; current; current = current.parent) {
    if (current === ancestor) return true;
  }
  return false;
}

/** The text a reader sees, whitespace collapsed: the probe the browser check compares. */
export function textOf(node: AnyNode): string {
  // Like `textContent`: a template's content is not part of the text.
  const collect = (current: AnyNode): string =>
    isText(current)
      ? current.data
      : isTag(current) && current.name === "template"
        ? ""
        : childNodes(current).map(collect).join("");
  return collect(node).replace(/\s+/g, " ").trim();
}
