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
}

export function createPageContext(): PageContext {
  return { inert: 0, foreign: 0, seen: new Set() };
}

/** Does a DOM selector reach this element? False inside a template, for a repeated singleton, or an SVG title. */
export function reachable(context: PageContext, tag: string): boolean {
  if (context.inert > 0) return false;
  if (!SINGLETON.has(tag)) return true;
  return context.foreign === 0 && !context.seen.has(tag);
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
 * The tags the context needs to see for these selectors. SVG and MathML only matter to a selector that names `title`
 * (whose document element is the first `<title>` outside them): a product page can hold hundreds of inline SVG icons, and each watched one costs
 * handler calls.
 */
export function contextTags(selectors: readonly string[]): string[] {
  const namesTitle = selectors.some((selector) => /(?:^|[\s>,(])title\b/i.test(selector));
  return [...INERT, ...(namesTitle ? FOREIGN : []), ...SINGLETON];
}
