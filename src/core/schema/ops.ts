import * as z from "zod";
import { setAttributeProblem } from "../html/attribute-safety.ts";
import { checkRuleHtml } from "../html/html-safety.ts";
import { checkSelector } from "../html/selector.ts";
import { checkTemplate } from "../html/template.ts";
import { isHttpsUrl, isSameSitePath } from "../html/url-safety.ts";

/** Limits keep a compiled snapshot far below KV's 25 MiB value cap and each handler cheap. */
export const LIMITS = {
  selectorLength: 300,
  textLength: 2_000,
  htmlLength: 20_000,
  cssLength: 20_000,
  opsPerVariant: 50,
} as const;

export const SelectorSchema = z
  .string()
  .max(LIMITS.selectorLength)
  .superRefine((selector, ctx) => {
    const problem = checkSelector(selector);
    if (problem) ctx.addIssue({ code: "custom", message: problem.message });
  })
  .describe(
    "CSS selector in the subset HTMLRewriter supports (no `+`, `~` or pseudo-classes beyond :first-child, :nth-child, :first-of-type, :nth-of-type, :not).",
  );

function templated(max: number, description: string) {
  return z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const problem = checkTemplate(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .describe(
      `${description} May use {{placeholders}}; visitor-derived values are encoded for where they land (docs/security.md).`,
    );
}

const Text = templated(LIMITS.textLength, "Plain text, escaped on output.");

/** Rule HTML: the author's markup, checked so it adds no script and keeps visitor values out of markup. */
const Html = templated(LIMITS.htmlLength, "HTML written by the rule author (trusted).").superRefine(
  (html, ctx) => {
    const problem = checkRuleHtml(html);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  },
);
const ClassName = z
  .string()
  .regex(/^-?[_a-zA-Z][_a-zA-Z0-9-]*$/, "a single CSS class name")
  .max(100);
const AttributeName = z
  .string()
  .regex(/^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/, "an HTML attribute name")
  .max(100)
  .refine(
    (name) => !/^on/i.test(name),
    "event-handler attributes (on*) are refused: Stylist adds no client script",
  );

const targeted = { selector: SelectorSchema };

const LIST_POSITIONS = ["append", "prepend", "insertBefore", "insertAfter", "setHtml", "replace"] as const;

/** A product list rendered at the edge: where it goes, its heading (plain text, escaped) and how many products. */
function productList(heading: string) {
  return {
    position: z.enum(LIST_POSITIONS).default("append"),
    heading: z.string().max(200).default(heading),
    limit: z.number().int().min(1).max(12).default(4),
  };
}

export const OpSchema = z.discriminatedUnion("op", [
  z
    .strictObject({ op: z.literal("setText"), ...targeted, value: Text })
    .describe("Replace the element's content with text."),
  z
    .strictObject({ op: z.literal("setHtml"), ...targeted, html: Html })
    .describe("Replace the element's content with HTML."),
  z
    .strictObject({ op: z.literal("replace"), ...targeted, html: Html })
    .describe("Replace the whole element with HTML."),
  z.strictObject({ op: z.literal("remove"), ...targeted }).describe("Remove the element and its content."),
  z.strictObject({ op: z.literal("insertBefore"), ...targeted, html: Html }),
  z.strictObject({ op: z.literal("insertAfter"), ...targeted, html: Html }),
  z
    .strictObject({ op: z.literal("append"), ...targeted, html: Html })
    .describe("Insert HTML at the end of the element."),
  z
    .strictObject({ op: z.literal("prepend"), ...targeted, html: Html })
    .describe("Insert HTML at the start of the element."),
  z
    .strictObject({ op: z.literal("setAttribute"), ...targeted, name: AttributeName, value: Text })
    .superRefine((op, ctx) => {
      const problem = setAttributeProblem(op.name, op.value);
      if (problem) ctx.addIssue({ code: "custom", path: ["value"], message: problem });
    })
    .describe(
      "Set an attribute. A {{placeholder}} value is percent-encoded in a URL attribute and must be one CSS token in style.",
    ),
  z.strictObject({ op: z.literal("removeAttribute"), ...targeted, name: AttributeName }),
  z.strictObject({ op: z.literal("addClass"), ...targeted, value: ClassName }),
  z.strictObject({ op: z.literal("removeClass"), ...targeted, value: ClassName }),
  z
    .strictObject({
      op: z.literal("addStyle"),
      css: z
        .string()
        .max(LIMITS.cssLength)
        .refine((css) => !/<\/style/i.test(css), "CSS may not close the <style> element")
        .refine(
          (css) => !css.includes("{{"),
          "{{placeholders}} are not filled in CSS: visitor values never reach a stylesheet (use setAttribute style)",
        ),
    })
    .describe("Inject a <style> element at the end of <head>."),
  z
    .strictObject({ op: z.literal("recentlyViewed"), ...targeted, ...productList("Recently viewed") })
    .describe("Products the visitor viewed lately, from their edge profile and the catalogue in KV."),
  z
    .strictObject({
      op: z.literal("moreFromCategory"),
      ...targeted,
      ...productList("More from this category"),
    })
    .describe("Other products from the category the visitor has been browsing most."),
  z
    .strictObject({ op: z.literal("related"), ...targeted, ...productList("Often bought together") })
    .describe(
      "Products viewed and bought with the one on the page, from the recommendation table in KV (`stylist recommend build`).",
    ),
  z
    .strictObject({ op: z.literal("forYou"), ...targeted, ...productList("Picked for you") })
    .describe(
      "Products that go with what the visitor viewed lately, from their edge profile and the recommendation table in KV.",
    ),
  z.strictObject({
    op: z.literal("redirect"),
    url: z
      .string()
      .max(2_000)
      .refine(
        isRedirectTarget,
        "a path on this site (/new-home) or an https:// URL on a host in settings.redirectHosts",
      )
      .describe("Split-URL test: 302 to this URL, keeping the visitor's query string."),
  }),
]);

export type Op = z.infer<typeof OpSchema>;

/** Ops that render a list of products at the edge. */
const PRODUCT_LIST_OPS = ["recentlyViewed", "moreFromCategory", "related", "forYou"] as const;
export type ProductListOp = Extract<Op, { op: (typeof PRODUCT_LIST_OPS)[number] }>;
export const isProductListOp = (op: Op): op is ProductListOp =>
  (PRODUCT_LIST_OPS as readonly string[]).includes(op.op);

/** Product-list ops learnt offline: they need the recommendation table, and an experiment to be judged in. */
const RECOMMENDATION_OPS = ["related", "forYou"] as const;
export const isRecommendationOp = (op: Op) => (RECOMMENDATION_OPS as readonly string[]).includes(op.op);

/** The element an op edits: `addStyle` always edits `<head>`; a redirect edits nothing. */
export function opSelector(op: Op): string | undefined {
  if (op.op === "addStyle") return "head";
  if (op.op === "redirect") return undefined;
  return op.selector;
}

/**
 * The elements the variants edit, a style in <head> left out (every page has a head): what an experiment is
 * exposed on, and what two experiments on one page must not both edit.
 */
export function editedSelectors(variants: ReadonlyArray<{ ops: readonly Op[] }>): Set<string> {
  const selectors = new Set<string>();
  for (const variant of variants) {
    for (const op of variant.ops) {
      const selector = opSelector(op);
      if (selector && op.op !== "addStyle") selectors.add(selector);
    }
  }
  return selectors;
}

/** A same-site path or a literal `https://host/…`: no `//host`, `/\host`, `https:host`, controls or credentials. */
function isRedirectTarget(url: string): boolean {
  return isSameSitePath(url) || isHttpsUrl(url);
}
