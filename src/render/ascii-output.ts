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

export function asciiHtml(html: string): string {
  return html
    .split(/(<style\b[^>]*>[\s\S]*?<\/style\s*>)/i)
    .map((part, index) =>
      index % 2 === 1 ? part.replace(NON_ASCII, cssEscape) : part.replace(NON_ASCII, reference),
    )
    .join("");
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

/**
 * An element whose inserted content and op-written attribute values go out as ASCII. Attributes an op only
 * extends (`addClass`) keep their other characters as the page sent them: the rewriter re-encodes those unchanged.
 */
export function asciiElement(element: RewriterElement, op: Op): RewriterElement {
  const content =
    (method: "setInnerContent" | "replace" | "before" | "after" | "prepend" | "append") =>
    (value: string, options?: ContentOptions) =>
      element[method](options?.html ? asciiHtml(value) : asciiText(value), HTML);
  return {
    get tagName() {
      return element.tagName;
    },
    getAttribute: (name) => element.getAttribute(name),
    setAttribute: (name, value) =>
      element.setAttribute(name, op.op === "setAttribute" ? value.replace(NON_ASCII, reference) : value),
    removeAttribute: (name) => element.removeAttribute(name),
    setInnerContent: content("setInnerContent"),
    replace: content("replace"),
    before: content("before"),
    after: content("after"),
    prepend: content("prepend"),
    append: content("append"),
    remove: () => element.remove(),
  };
}
