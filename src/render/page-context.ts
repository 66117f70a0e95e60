import { createBoundedCache } from "../core/cache/bounded-cache.ts";
import { FOREIGN, INERT, SINGLETON } from "./html-facts.ts";

/**
 * Where in the document the rewriter is, as far as a selector in the browser would care: inside a `<template>` or
 * `<noscript>` (not in the document), inside SVG/MathML (a `title` there is an icon's name), and which document
 * singletons were already seen (a second `<body>` tag is folded into the first by the parser).
 */
export interface PageContext {
  inert: number;
  foreign: number;
  seen: Set<string>;
  /**
   * The singletons a selector of this page view's experiments may match (subject-tags.ts), each seen by the renderer
   * wherever it is on the page. Whether another singleton is the document's cannot be told: see `unfollowed`.
   */
  followed: ReadonlySet<string>;
}

export function createPageContext(followed: ReadonlySet<string> = SINGLETON): PageContext {
  return { inert: 0, foreign: 0, seen: new Set(), followed };
}

/** Does a DOM selector reach this element? False inside a template, for a repeated singleton, or an SVG title. */
export function reachable(context: PageContext, tag: string): boolean {
  if (context.inert > 0) return false;
  if (!SINGLETON.has(tag)) return true;
  return context.foreign === 0 && !context.seen.has(tag);
}

/**
 * Is `tag` a singleton this page view does not follow, so that whether this one is the document's (the first `<body>`
 * tag, the first `<title>` outside SVG) is not known? A selector that meets one skips its ops there and learns it.
 */
export function unfollowed(context: PageContext, tag: string): boolean {
  return SINGLETON.has(tag) && !context.followed.has(tag);
}

/**
 * Called after every other handler of an element: notes singletons and opens inert or foreign content. Returns what
 * to do at its end tag, if anything.
 */
export function enterElement(context: PageContext, tag: string): (() => void) | undefined {
  if (SINGLETON.has(tag) && context.inert === 0 && context.foreign === 0) context.seen.add(tag);
  if (INERT.has(tag)) {
    context.inert++;
    return () => {
      context.inert--;
    };
  }
  if (FOREIGN.has(tag)) {
    context.foreign++;
    return () => {
      context.foreign--;
    };
  }
  return undefined;
}

/**
 * The tags the context needs to see for these selectors: templates and noscript always, and the singletons given
 * (those a selector may match, and `head` and `body` where a style is placed). SVG and MathML only matter to a
 * selector that names `title` (whose document element is the first `<title>` outside them): a product page can hold
 * hundreds of inline SVG icons, and each watched one costs handler calls. Each tag is a root the rewriter tests
 * against every element of the page, and a call where it matches.
 */
export function contextTags(selectors: readonly string[], singletons: Iterable<string>): string[] {
  const namesTitle = selectors.some((selector) => {
    let names = titled.get(selector);
    if (names === undefined) {
      names = /(?:^|[\s>,(])title\b/i.test(selector);
      titled.set(selector, names);
    }
    return names;
  });
  return [...INERT, ...(namesTitle ? FOREIGN : []), ...singletons];
}

/** Asked of every selector on every page view: the same rules' selectors come back each time. */
const titled = createBoundedCache<boolean>(512);
