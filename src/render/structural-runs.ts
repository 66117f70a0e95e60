import { createBoundedCache } from "../core/cache/bounded-cache.ts";
import { splitList } from "../core/html/selector.ts";
import { lastCompound, typeOf } from "./descendant-selectors.ts";
import { CLOSER_AWARE, closesImplicitly } from "./html-facts.ts";

/** Pseudo-classes that count siblings: lol-html counts them among its nesting, not the parser's. */
const SIBLING_PSEUDO = /:(?:first-child|first-of-type|nth-child\([^)]*\)|nth-of-type\([^)]*\))/g;

/** Does the selector depend on parents or sibling positions (`ul > li`, `p:first-of-type`, `li:nth-child(2)`)? */
export function isStructural(selector: string): boolean {
  const bare = selector.replace(/"[^"]*"|'[^']*'/g, '""');
  return />/.test(bare) || new RegExp(SIBLING_PSEUDO.source).test(bare);
}

/** The compound selectors of a complex one, outermost first (`ul > li.a b` → `ul`, `li.a`, `b`). */
function compounds(part: string): string[] {
  const found: string[] = [];
  let rest = part.trim();
  while (rest !== "") {
    const { prefix, compound } = lastCompound(rest);
    if (compound !== "") found.unshift(compound);
    rest = prefix.replace(/[\s>]+$/, "");
  }
  return found;
}

/**
 * For a structural selector, per implied-end tag, the selector list that matches an element of one of its compounds
 * right inside such an element, positions left out (`ul > li:nth-child(2)` → `li > li`, `p > li`, `p > ul`…).
 * lol-html nests the items of an unclosed `<li>` run (the paragraphs of an unclosed `<p>` run) inside each other, so
 * there `ul > li` misses all but the first and `p:first-of-type` matches every one: wherever such a run is, what the
 * selector matches is not what the browser's selector matches. Empty for other selectors.
 */
export function runWatchSelectors(selector: string): readonly { tag: string; selector: string }[] {
  const known = built.get(selector);
  if (known !== undefined) return known;
  const lists = build(selector);
  built.set(selector, lists);
  return lists;
}

/** The lists already built in this isolate: the same rules' selectors come back on every page view. */
const built = createBoundedCache<readonly { tag: string; selector: string }[]>(512);

function build(selector: string): { tag: string; selector: string }[] {
  if (!isStructural(selector)) return [];
  const subjects = [
    ...new Set(
      splitList(selector).flatMap((part) =>
        compounds(part).map((compound) => compound.replace(SIBLING_PSEUDO, "") || "*"),
      ),
    ),
  ];
  return [...CLOSER_AWARE].flatMap((tag) => {
    const parts = subjects.filter((compound) => {
      const type = typeOf(compound);
      return type === undefined || closesImplicitly(tag, type, []);
    });
    return parts.length === 0
      ? []
      : [{ tag, selector: parts.map((compound) => `${tag} > ${compound}`).join(", ") }];
  });
}
