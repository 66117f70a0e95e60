import type { Op } from "../core/schema/ops.ts";
import type { ContentOptions, RewriterElement } from "./rewriter-types.ts";

/**
 * For a page whose encoding nobody declared, the browser guesses; characters Stylist inserts are therefore written in
 * ASCII, which reads the same in every encoding a browser may pick: numeric character references in HTML and
 * attribute values, CSS escapes inside `<style>`.
 */
const NON_ASCII = /[\u0080-\u{10ffff}]/gu;

const reference = (char: string) => `&#${char.codePointAt(0)};`;
const cssEscape = (char: string) => `\\${(char.codePointAt(0) as number).toString(16)} `;

const STYLE_BLOCK = /(<style\b[^>]*>[\s\S]*?<\/style\s*>)/i;

/** HTML whose `<style>` blocks use CSS escapes and whose other parts `outside` rewrites. */
const withStyleEscapes = (html: string, outside: (part: string) => string) =>
  html
    .split(STYLE_BLOCK)
    .map((part, index) => (index % 2 === 1 ? part.replace(NON_ASCII, cssEscape) : outside(part)))
    .join("");

export function asciiHtml(html: string): string {
  return withStyleEscapes(html, (part) => part.replace(NON_ASCII, reference));
}

/**
 * For a page in a declared legacy encoding: the rewriter encodes inserted HTML itself and writes a character the
 * encoding lacks as a character reference, which CSS does not decode (`content:'&#12450;'` shows those characters
 * literally). Inside `<style>` non-ASCII is therefore written as CSS escapes, which read the same in any encoding.
 */
export function styleEscapedHtml(html: string): string {
  return withStyleEscapes(html, (part) => part);
}

/** Text as ASCII HTML: what the rewriter's own text escaping (`&`, `<`, `>`) would do, then references. */
function asciiText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(NON_ASCII, reference);
}

const HTML = { html: true } as const;

type ContentMethod = "setInnerContent" | "replace" | "before" | "after" | "prepend" | "append";

/** `element` with what goes into its content methods, and the attribute values written, rewritten first. */
function rewritingElement(
  element: RewriterElement,
  content: (value: string, options?: ContentOptions) => [string, ContentOptions | undefined],
  attribute: (value: string) => string = (value) => value,
): RewriterElement {
  const write = (method: ContentMethod) => (value: string, options?: ContentOptions) =>
    element[method](...content(value, options));
  return {
    get tagName() {
      return element.tagName;
    },
    getAttribute: (name) => element.getAttribute(name),
    setAttribute: (name, value) => element.setAttribute(name, attribute(value)),
    removeAttribute: (name) => element.removeAttribute(name),
    setInnerContent: write("setInnerContent"),
    replace: write("replace"),
    before: write("before"),
    after: write("after"),
    prepend: write("prepend"),
    append: write("append"),
    remove: () => element.remove(),
  };
}

/** An element whose inserted HTML has its `<style>` blocks CSS-escaped (styleEscapedHtml); all else passes through. */
export function styleEscapedElement(element: RewriterElement): RewriterElement {
  return rewritingElement(element, (value, options) => [
    options?.html ? styleEscapedHtml(value) : value,
    options,
  ]);
}

/**
 * An element whose inserted content and op-written attribute values go out as ASCII. Attributes an op only
 * extends (`addClass`) keep their other characters as the page sent them: the rewriter re-encodes those unchanged.
 */
export function asciiElement(element: RewriterElement, op: Op): RewriterElement {
  return rewritingElement(
    element,
    (value, options) => [options?.html ? asciiHtml(value) : asciiText(value), HTML],
    (value) => (op.op === "setAttribute" ? value.replace(NON_ASCII, reference) : value),
  );
}
