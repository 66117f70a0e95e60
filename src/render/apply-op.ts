import { escapeHtml } from "../core/html/escape.ts";
import { CODE_ELEMENTS, RAW_TEXT_ELEMENTS } from "../core/html/output-contexts.ts";
import { hasPlaceholders, renderTemplate, UnsafeContextError } from "../core/html/template.ts";
import type { RenderData } from "../core/page-view/render-data.ts";
import { isProductListOp, type Op, type ProductListOp } from "../core/schema/ops.ts";
import { productListHtml } from "./product-list.ts";
import type { RewriterElement } from "./rewriter-types.ts";

const HTML = { html: true } as const;
const TEXT = { html: false } as const;

const WHITESPACE = /\s+/;
const SPACE = /\s/;
/** Whitespace other than the plain space. */
const OTHER_SPACE = /[^\S ]/;
/** A class attribute written as names separated by single spaces, as most are: its class list joins back to it. */
const singleSpaced = (value: string) =>
  value.charCodeAt(0) !== 32 &&
  value.charCodeAt(value.length - 1) !== 32 &&
  !value.includes("  ") &&
  !OTHER_SPACE.test(value);

function classList(value: string): string[] {
  return value.split(WHITESPACE).filter((name) => name !== "");
}

/** Is `name` (a class name: no whitespace, see the schema) one of the whitespace-separated names in `value`? */
function hasClass(value: string, name: string): boolean {
  for (let at = value.indexOf(name); at >= 0; at = value.indexOf(name, at + 1)) {
    const end = at + name.length;
    if (
      (at === 0 || SPACE.test(value.charAt(at - 1))) &&
      (end === value.length || SPACE.test(value.charAt(end)))
    )
      return true;
  }
  return false;
}

/** Ops that write inside the element they match, and whether what they write comes from outside the rule. */
function contentWritten(op: Op): { inside: boolean; outsideData: boolean } {
  switch (op.op) {
    case "setText":
      return { inside: true, outsideData: hasPlaceholders(op.value) };
    case "setHtml":
    case "append":
    case "prepend":
      return { inside: true, outsideData: hasPlaceholders(op.html) };
    case "recentlyViewed":
    case "moreFromCategory":
    case "related":
    case "forYou":
      return { inside: ["append", "prepend", "setHtml"].includes(op.position), outsideData: true };
    default:
      return { inside: false, outsideData: false };
  }
}

/**
 * A script or style element's content is code, and escaping does not keep a value from running there (inside
 * `<svg>` it does not even keep `<` out): no op writes into one. Other raw-text elements (title, textarea, noscript…)
 * take the author's own text, but nothing from the visitor or the catalogue. The selector cannot tell which element
 * it will match, so this is decided here, on the element itself.
 */
export function refuseRawTextContent(
  element: RewriterElement,
  op: Op,
  tag = element.tagName.toLowerCase(),
): void {
  if (!RAW_TEXT_ELEMENTS.has(tag)) return;
  const { inside, outsideData } = contentWritten(op);
  if (inside && (CODE_ELEMENTS.has(tag) || outsideData)) {
    throw new UnsafeContextError(`${op.op} into <${tag}> is refused: its content is not HTML text`);
  }
}

/**
 * Applies one op to one matched element. Placeholder values are encoded for where they land (template.ts); text
 * ops hand raw text to the rewriter with `html: false`, which escapes all of it. `tag` is the element's lower-cased
 * tag name when the caller has it (each read of a streamed element's tagName is a call into the runtime).
 */
export function applyOp(
  element: RewriterElement,
  op: Op,
  data: RenderData,
  tag = element.tagName.toLowerCase(),
): void {
  refuseRawTextContent(element, op, tag);
  const values = data.values;
  switch (op.op) {
    case "setText":
      element.setInnerContent(renderTemplate(op.value, values, "text"), TEXT);
      return;
    case "setHtml":
      element.setInnerContent(renderTemplate(op.html, values, "html"), HTML);
      return;
    case "replace":
      element.replace(renderTemplate(op.html, values, "html"), HTML);
      return;
    case "remove":
      element.remove();
      return;
    case "insertBefore":
      element.before(renderTemplate(op.html, values, "html"), HTML);
      return;
    case "insertAfter":
      element.after(renderTemplate(op.html, values, "html"), HTML);
      return;
    case "append":
      element.append(renderTemplate(op.html, values, "html"), HTML);
      return;
    case "prepend":
      element.prepend(renderTemplate(op.html, values, "html"), HTML);
      return;
    case "setAttribute": {
      const target = { element: tag, attribute: op.name };
      // lol-html escapes only `"` in attribute values; `&` is escaped here so the browser reads the value literally
      // (a visitor's `&lt;` or an author's `&#106;avascript:` stays text, exactly what validation checked).
      const value = renderTemplate(op.value, values, target);
      element.setAttribute(op.name, value.includes("&") ? value.replace(/&/g, "&amp;") : value);
      return;
    }
    case "removeAttribute":
      element.removeAttribute(op.name);
      return;
    case "addClass": {
      const value = element.getAttribute("class") ?? "";
      if (hasClass(value, op.value)) return;
      // The names are written back separated by single spaces: as they are, when they already are.
      const names = value === "" || singleSpaced(value) ? value : classList(value).join(" ");
      element.setAttribute("class", names === "" ? op.value : `${names} ${op.value}`);
      return;
    }
    case "removeClass": {
      const value = element.getAttribute("class") ?? "";
      if (hasClass(value, op.value))
        element.setAttribute(
          "class",
          classList(value)
            .filter((name) => name !== op.value)
            .join(" "),
        );
      return;
    }
    case "addStyle":
      element.append(styleElement(op.css), HTML);
      return;
    case "recentlyViewed":
    case "moreFromCategory":
    case "related":
    case "forYou": {
      const list = productListOf(op, data);
      // Nothing to show is shown as nothing: the element stays as the origin sent it.
      if (list !== undefined) placeList(element, op.position, list);
      return;
    }
    case "redirect":
      return;
  }
}

function placeList(element: RewriterElement, position: string, list: string): void {
  if (position === "prepend") element.prepend(list, HTML);
  else if (position === "insertBefore") element.before(list, HTML);
  else if (position === "insertAfter") element.after(list, HTML);
  else if (position === "setHtml") element.setInnerContent(list, HTML);
  else if (position === "replace") element.replace(list, HTML);
  else element.append(list, HTML);
}

/**
 * The HTML an op puts into the page, escaped as `applyOp` would: text ops' text as escaped HTML. Undefined when it
 * puts nothing (an empty product list leaves the element as the origin sent it, `remove` and attribute ops).
 */
export function insertedHtml(op: Op, data: RenderData): string | undefined {
  switch (op.op) {
    case "setText": {
      if (hasPlaceholders(op.value)) return escapeHtml(renderTemplate(op.value, data.values, "text"));
      // The same for every visitor: escaped once per op while the isolate keeps its rules.
      let escaped = escapedText.get(op);
      if (escaped === undefined) {
        escaped = escapeHtml(op.value);
        escapedText.set(op, escaped);
      }
      return escaped;
    }
    case "setHtml":
    case "replace":
    case "append":
    case "prepend":
    case "insertBefore":
    case "insertAfter":
      return renderTemplate(op.html, data.values, "html");
    case "addStyle":
      return styleElement(op.css);
    case "recentlyViewed":
    case "moreFromCategory":
    case "related":
    case "forYou":
      return productListOf(op, data);
    default:
      return undefined;
  }
}

const escapedText = new WeakMap<Op, string>();

const LIST_KINDS: Record<ProductListOp["op"], string> = {
  recentlyViewed: "recently-viewed",
  moreFromCategory: "more-from-category",
  related: "related",
  forYou: "for-you",
};

/** A product list's markup, or undefined when there is nothing to show. */
function productListOf(op: ProductListOp, data: RenderData): string | undefined {
  const products = data[op.op](op.limit);
  return products.length === 0 ? undefined : productListHtml(LIST_KINDS[op.op], op.heading, products);
}

/** Does the op put its HTML after the element (rather than at its end)? */
export const placesAfter = (op: Op) =>
  op.op === "insertAfter" || (isProductListOp(op) && op.position === "insertAfter");

/** Does the op take the element itself away (rather than only its content)? */
export const takesElement = (op: Op) =>
  op.op === "remove" || op.op === "replace" || (isProductListOp(op) && op.position === "replace");

export const styleElement = (css: string) => `<style data-stylist>${css}</style>`;
