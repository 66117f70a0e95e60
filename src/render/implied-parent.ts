import { splitList } from "../core/html/selector.ts";
import type { Op } from "../core/schema/ops.ts";
import { lastCompound, typeOf, withType } from "./descendant-selectors.ts";
import { CLOSER_AWARE, closesImplicitly } from "./html-facts.ts";

/**
 * An element right after an unclosed `<li>` or `<p>` is, for lol-html, inside it; for the parser, its start tag first
 * closes the `<li>` (or the `<p>`). Content written before that start tag, or the start tag's removal, would then
 * leave content inside the earlier element. These are the ops that do so.
 */
export function writesBeforeStartTag(op: Op): boolean {
  switch (op.op) {
    case "insertBefore":
    case "replace":
    case "remove":
      return true;
    case "recentlyViewed":
    case "moreFromCategory":
      return op.position === "insertBefore" || op.position === "replace";
    default:
      return false;
  }
}

/** The element's parent as lol-html nests it, when that parent's end tag HTML may imply. */
export interface ImpliedParent {
  tag: string;
  /** The element is the parent's first element child: no start tag before it can have ended the parent. */
  first: boolean;
  /** For a `<p>` parent, the list item or term lol-html has it in (`<li><p>a<li>`: the new item ends both). */
  grand?: string;
}

/** Items a `<p>` is often left open in: a new item closes the `<p>` and the item. */
const ITEMS = ["li", "dt", "dd"];

/**
 * Paragraphs left open in an item, as lol-html nests them (`<li><p>a<p>b<li>`: the second item is at `li > p > p >`):
 * a new item ends them all and the item. Followed up to three deep; a longer run is not watched.
 */
export const PARAGRAPH_RUNS = ["p > ", "p > p > ", "p > p > p > "] as const;

/**
 * Selector lists matching what `selector` matches when lol-html has it directly inside an implied-end element
 * (`#a .b` → `li#a > .b, #a li > .b`), with what each says of that parent; later lists add to earlier ones (a first
 * child of a `<p>`, a `<p>` inside an item). Each list is a subset of `selector`, so the op's own handler runs on the
 * element next. Tags the subject's tag can never close are left out (`div.x` only ever closes a `<p>`).
 */
export function impliedParentSelectors(selector: string): { mark: ImpliedParent; selector: string }[] {
  const lists: { mark: ImpliedParent; selector: string }[] = [];
  const add = (mark: ImpliedParent, parts: string[]) => {
    if (parts.length > 0) lists.push({ mark, selector: parts.join(", ") });
  };
  const parts = splitList(selector);
  for (const tag of CLOSER_AWARE)
    add(
      { tag, first: false },
      parts.flatMap((part) => parentParts(part, tag, false)),
    );
  add(
    { tag: "p", first: true },
    parts.flatMap((part) => parentParts(part, "p", true)),
  );
  for (const grand of ITEMS)
    add(
      { tag: "p", first: false, grand },
      parts.flatMap((part) => {
        const { prefix, compound } = lastCompound(part);
        const type = typeOf(compound);
        if ((type !== undefined && !closesImplicitly(grand, type, ["p"])) || prefix.trimEnd().endsWith(">"))
          return [];
        // A run of paragraphs left open in the item nests them too (`<li><p>a<p>b<li>`).
        return PARAGRAPH_RUNS.map((run) => `${prefix}${grand} > ${run}${compound}`);
      }),
    );
  return lists;
}

function parentParts(part: string, parent: string, first: boolean): string[] {
  const { prefix, compound } = lastCompound(part);
  const type = typeOf(compound);
  if (type !== undefined && !closesImplicitly(parent, type, [])) return [];
  const subject = first ? `${compound}:first-child` : compound;
  if (prefix === "") return [`${parent} > ${subject}`];
  const trimmed = prefix.trimEnd();
  const child = trimmed.endsWith(">");
  const { prefix: outer, compound: parentCompound } = lastCompound(child ? trimmed.slice(0, -1) : trimmed);
  // The element's parent is the one the prefix's last compound names, made an implied-end element…
  const named = withType(parentCompound, parent);
  const parts = named === undefined ? [] : [`${outer}${named} > ${subject}`];
  // …or, for a descendant combinator, any implied-end element inside it.
  if (!child) parts.push(`${prefix}${parent} > ${subject}`);
  return parts;
}

/**
 * What must be written before the element's start tag for content put there to land where the parser has it: the
 * end tag of the implied-end parent its start tag closes. For a `<p>` that is not its first element child, an earlier
 * start tag may already have closed the `<p>` (and `</p>` would then add an empty paragraph): `ambiguous`.
 */
export function closingBefore(
  parent: ImpliedParent | undefined,
  tag: string,
): { closing: string; ambiguous?: string } {
  if (!parent) return { closing: "" };
  // The item's end tag also closes the `<p>` inside it, whether an earlier block had closed that already or not.
  if (parent.grand && closesImplicitly(parent.grand, tag, [parent.tag]))
    return { closing: `</${parent.grand}>` };
  if (!closesImplicitly(parent.tag, tag, [])) return { closing: "" };
  if (parent.tag === "p" && !parent.first)
    return {
      closing: "",
      ambiguous: `<${tag}> follows an unclosed <p> that an earlier block may already have ended: where the parser puts content before it is not followed`,
    };
  return { closing: `</${parent.tag}>` };
}
