import { SPECIAL } from "./html-facts.ts";

/**
 * Formatting elements (§13.2.4.3): the parser keeps a list of them and reopens one that an end tag or a block closed
 * around later content, and its adoption agency moves a block out of one whose end tag comes while the block is open.
 */
export const FORMATTING = new Set("a b big code em font i nobr s small strike strong tt u".split(" "));

/** Elements an end tag's element must be "in scope" past; with one still open, `</div>` and the like are ignored. */
const SCOPE_BOUNDARIES = new Set("applet caption html table td th marquee object template select".split(" "));

/** Extra boundaries of the list item scope (`</li>`) and the button scope (`</p>`). */
const EXTRA_BOUNDARIES: Record<string, readonly string[]> = { li: ["ul", "ol"], p: ["button"] };

/** The document's end tags: the parser does not end anything at them, and nothing but whitespace follows them. */
const DOCUMENT_ENDS = new Set(["body", "html"]);

/**
 * At the end tag `</name>`, lol-html ends the element it names and every element still open inside it (`openAbove`,
 * as the parser has them: those it had ended already left out). Does the parser end exactly those, leaving nothing to
 * reopen after them? Not when one of them is a formatting element (reopened around what follows), when the end tag
 * names a phrasing element and a block is open inside it (`<span><p>a</span>`: the parser ignores `</span>`; `<b><p>
 * a</b>`: it moves the `<p>` out of the `<b>`), or when a table, cell, select… is open (the end tag is out of scope
 * and ignored).
 */
export function parserEndsAtEndTag(name: string, openAbove: readonly string[]): boolean {
  if (DOCUMENT_ENDS.has(name)) return true;
  const extra = EXTRA_BOUNDARIES[name] ?? [];
  return !openAbove.some(
    (tag) =>
      FORMATTING.has(tag) ||
      SCOPE_BOUNDARIES.has(tag) ||
      extra.includes(tag) ||
      (!SPECIAL.has(name) && SPECIAL.has(tag)),
  );
}

/**
 * At a start tag that ends an element in the parser (the next `<li>`), the elements still open inside it are ended
 * with it; a formatting element among them is reopened around what follows.
 */
export function parserEndsAtStartTag(openInside: readonly string[]): boolean {
  return !openInside.some((tag) => FORMATTING.has(tag));
}

/** An element's start tag as HTML, from the tag name and attributes the rewriter hands over (values as in the page). */
export function startTagHtml(tag: string, attributes: Iterable<string[]>, selfClosing = false): string {
  let html = `<${tag}`;
  for (const [name, value = ""] of attributes) html += ` ${name}="${value.replaceAll('"', "&quot;")}"`;
  return `${html}${selfClosing ? " />" : ">"}`;
}
