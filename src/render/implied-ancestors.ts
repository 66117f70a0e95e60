import { createBoundedCache } from "../core/cache/bounded-cache.ts";
import { splitList } from "../core/html/selector.ts";
import { lastCompound, typeOf } from "./descendant-selectors.ts";
import { closesImplicitly } from "./html-facts.ts";

/** The parts of a selector list whose subject can be a `<tag>` element for some tag `fits` (or names no tag). */
const partsFitting = (selector: string, fits: (tag: string) => boolean) =>
  splitList(selector).filter((part) => {
    const type = typeOf(lastCompound(part).compound);
    return type === undefined || fits(type);
  });

/**
 * Implied-end elements that a start tag can end from deep inside, through the phrasing elements between: a block ends
 * a `<p>` (`<p><b><ul>`), an item the next item (`<li><span><li>`), (dt, dd and cells are left out: rare there, and each costs a selector per request). The parser then ends every
 * element open inside it too, where lol-html keeps them open to their own end tags.
 */
export const ENDED_FROM_INSIDE = ["p", "li"] as const;

/**
 * Per implied-end tag, the selector list matching what `selector` matches when lol-html has it inside such an element
 * (`.t` → `p .t`): registered before the op handlers, so a content or end edit knows which unclosed elements around
 * its element a later start tag may end, and the element with them.
 */
export function impliedAncestorSelectors(selector: string): ReadonlyArray<{ tag: string; selector: string }> {
  return remembered(ancestorLists, selector, () => {
    const parts = splitList(selector);
    return ENDED_FROM_INSIDE.map((tag) => ({
      tag,
      selector: parts.map((part) => `${tag} ${part}`).join(", "),
    }));
  });
}

/**
 * The lists below are rebuilt from the same rules' selectors on every page view (splitting and parsing each), so
 * they are kept per isolate, bounded.
 */
const ancestorLists = createBoundedCache<ReadonlyArray<{ tag: string; selector: string }>>(512);
const closedThroughLists = createBoundedCache<ReadonlyArray<{ tag: string; selector: string }>>(512);
const adoptableLists = createBoundedCache<string>(512);

function remembered<V>(cache: ReturnType<typeof createBoundedCache<V>>, key: string, build: () => V): V {
  const known = cache.get(key);
  if (known !== undefined) return known;
  const value = build();
  cache.set(key, value);
  return value;
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
 * Per `<p>` and `<li>`, the selector list matching what `selector` matches right inside a `<span>` right inside one
 * (`.t` → `p > span > .t`), for the subjects that can end it. If the element's start tag ends that `<p>` (a `<ul>`, a
 * `<div>`), the parser ends the `<span>` with it, where lol-html keeps both open around the element: content put
 * before it lands inside them, and removing its start tag leaves what follows inside them. (Through a formatting
 * element, FORMATTING_IN_P stops all content placement from there on.) Only one level is looked at.
 */
export function closedThroughSelectors(selector: string): ReadonlyArray<{ tag: string; selector: string }> {
  return remembered(closedThroughLists, selector, () =>
    ["p", "li"].flatMap((tag) => {
      const parts = partsFitting(selector, (type) => closesImplicitly(tag, type, []));
      return parts.length === 0
        ? []
        : [{ tag, selector: parts.map((part) => `${tag} > span > ${part}`).join(", ") }];
    }),
  );
}

/**
 * A start tag that ends a `<p>` through a formatting element in it (`<p><b>a<ul>`): the parser ends the `<b>` with
 * the `<p>` and reopens it around the next text it reads until `</b>`, a clone lol-html knows nothing of. Content put
 * there would land in the clone, and content put before or in place of that start tag inside the `<b>`. `FORMATTING_IN_P` matches such start tags (filtered by the tag, render.ts), and the
 * renderer stops placing content for the rest of the page from the first one.
 */
export const FORMATTING_IN_P = FORMATTING.map((element) => `p > ${element} *`).join(", ");

/** Implied-end blocks the parser moves out of a formatting element whose end tag comes while they are open. */
export const ADOPTABLE = new Set(["p", "li", "dt", "dd"]);

/** What `selector` matches right inside a formatting element, for the subjects that can be ADOPTABLE; or "". */
export function adoptableSelectors(selector: string): string {
  return remembered(adoptableLists, selector, () => {
    const parts = partsFitting(selector, (type) => ADOPTABLE.has(type));
    return FORMATTING.flatMap((element) => parts.map((part) => `${element} > ${part}`)).join(", ");
  });
}

/**
 * A `<p>` or item right inside a phrasing element. If lol-html ends it at that element's end tag (`<span><p>a</span>`),
 * the parser did not: it ignores `</span>` (or moves the `<p>` out of a `<b>`), so from there on what lol-html has
 * as siblings after the phrasing element the browser has inside the `<p>`, and the renderer stops placing content.
 */
export const BLOCK_IN_PHRASING = ["span", ...FORMATTING]
  .flatMap((phrasing) => [`${phrasing} > p`, `${phrasing} > li`])
  .join(", ");
export const PHRASING_END = new Set(["span", ...FORMATTING]);
