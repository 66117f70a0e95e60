import { splitList } from "../core/html/selector.ts";

/**
 * Implied-end elements that a start tag can end from deep inside, through the phrasing elements between: a block ends
 * a `<p>` (`<p><b><ul>`), an item the next item (`<li><span><li>`), a cell the next cell. The parser then ends every
 * element open inside it too, where lol-html keeps them open to their own end tags.
 */
export const ENDED_FROM_INSIDE = ["p", "li", "dt", "dd", "td", "th"] as const;

/**
 * Per implied-end tag, the selector list matching what `selector` matches when lol-html has it inside such an element
 * (`.t` → `p .t`): registered before the op handlers, so a content or end edit knows which unclosed elements around
 * its element a later start tag may end, and the element with them.
 */
export function impliedAncestorSelectors(selector: string): Array<{ tag: string; selector: string }> {
  const parts = splitList(selector);
  return ENDED_FROM_INSIDE.map((tag) => ({
    tag,
    selector: parts.map((part) => `${tag} ${part}`).join(", "),
  }));
}

/** Formatting elements, which the parser reopens around later content after ending them (parser-agreement.ts). */
const FORMATTING = [
  "a",
  "b",
  "big",
  "code",
  "em",
  "font",
  "i",
  "nobr",
  "s",
  "small",
  "strike",
  "strong",
  "tt",
  "u",
];

/**
 * Per `<p>` and `<li>`, and per kind of phrasing element between (`span`, or a formatting element), the selector list
 * matching what `selector` matches right inside a phrasing element right inside one (`.t` → `p > span > .t`,
 * `p > b > .t`…). If the element's start tag ends that `<p>` (a `<ul>`, a `<div>`), the parser ends the phrasing
 * element with it, where lol-html keeps both open around the element: content put before it lands inside them, and
 * removing its start tag leaves what follows inside them; a formatting element is also reopened around content put
 * inside it. Only one phrasing level is looked at: deeper ones are rare.
 */
export function closedThroughSelectors(
  selector: string,
): Array<{ tag: string; formatting: boolean; selector: string }> {
  const parts = splitList(selector);
  const inside = (tag: string, phrasing: readonly string[]) =>
    phrasing.flatMap((element) => parts.map((part) => `${tag} > ${element} > ${part}`)).join(", ");
  return ["p", "li"].flatMap((tag) => [
    { tag, formatting: false, selector: inside(tag, ["span"]) },
    { tag, formatting: true, selector: inside(tag, FORMATTING) },
  ]);
}
