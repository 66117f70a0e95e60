import { createBoundedCache } from "../core/cache/bounded-cache.ts";
import { splitList } from "../core/html/selector.ts";
import { CLOSERS, descendantRunWatches } from "./descendant-runs.ts";
import { lastCompound, typeOf } from "./descendant-selectors.ts";
import { CLOSER_AWARE, closesImplicitly, SPECIAL } from "./html-facts.ts";
import { ADOPTABLE } from "./implied-ancestors.ts";
import { PARAGRAPH_RUNS } from "./implied-parent.ts";
import { FORMATTING } from "./parser-agreement.ts";

/** The `tag` of the watch for a `<p>` or item right inside a formatting element, which the parser may move out. */
export const ADOPTED = "formatting";

/** Items a `<p>` is often left open in: a new item ends the `<p>` and the item. */
const ITEMS = new Set(["li", "dt", "dd"]);

/** Can a compound match an element a `<p>` holds (not a block, which ends it)? */
const misparented = (compound: string) => {
  const type = typeOf(compound);
  return type === undefined || !SPECIAL.has(type);
};

/** The start tags that end a `<p>`. */
const P_CLOSERS = CLOSERS.filter((closer) => closesImplicitly("p", closer, []));

/** Pseudo-classes that count siblings: lol-html counts them among its nesting, not the parser's. */
const SIBLING_PSEUDO = /:(?:first-child|first-of-type|nth-child\([^)]*\)|nth-of-type\([^)]*\))/g;
/** The same, for a test: without the global flag, which would carry `lastIndex` from one call to the next. */
const HAS_SIBLING_PSEUDO = new RegExp(SIBLING_PSEUDO.source);

/** Does the selector depend on parents or sibling positions (`ul > li`, `p:first-of-type`, `li:nth-child(2)`)? */
export function isStructural(selector: string): boolean {
  const bare = selector.replace(/"[^"]*"|'[^']*'/g, '""');
  return />/.test(bare) || HAS_SIBLING_PSEUDO.test(bare);
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
 * selector matches is not what the browser's selector matches. For a descendant combinator, the start tags that end
 * an element standing for its ancestor compound (descendant-runs.ts). Empty for other selectors.
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
  const byTag = new Map<string, string[]>();
  const add = (tag: string, list: string) => byTag.set(tag, [...(byTag.get(tag) ?? []), list]);
  for (const { tag, selector: list } of structuralWatches(selector)) add(tag, list);
  for (const part of splitList(selector))
    for (const { tag, selector: list } of descendantRunWatches(part)) add(tag, list);
  return [...byTag].map(([tag, lists]) => ({ tag, selector: [...new Set(lists)].join(", ") }));
}

function structuralWatches(selector: string): { tag: string; selector: string }[] {
  if (!isStructural(selector)) return [];
  const subjects = [
    ...new Set(
      splitList(selector).flatMap((part) =>
        compounds(part).map((compound) => compound.replace(SIBLING_PSEUDO, "") || "*"),
      ),
    ),
  ];
  const runs = [...CLOSER_AWARE].flatMap((tag) => {
    // After a block ends an unclosed <p>, all that lol-html keeps in the <p> after it has other parents and positions
    // in the browser (`<p><div></div><span class=t>`: the <span> is the body's third child), not only the block: where
    // a compound can be such an element (phrasing, or no tag named), every block in a <p> refuses the selector.
    if (tag === "p" && subjects.some(misparented))
      return [{ tag, selector: P_CLOSERS.map((closer) => `p ${closer}`).join(", ") }];
    const parts = subjects.filter((compound) => {
      const type = typeOf(compound);
      return type === undefined || closesImplicitly(tag, type, []);
    });
    return parts.length === 0
      ? []
      : [
          {
            tag,
            // An item's end is implied from inside a paragraph left open in it too (`<li><p>a<li>`).
            selector: parts
              .flatMap((compound) =>
                ITEMS.has(tag)
                  ? [`${tag} > ${compound}`, ...PARAGRAPH_RUNS.map((run) => `${tag} > ${run}${compound}`)]
                  : // A `<p>` is ended by a block start tag inside a phrasing element in it too (`<p><b><div>`).
                    [`${tag}${tag === "p" ? " " : " > "}${compound}`],
              )
              .join(", "),
          },
        ];
  });
  // A <p> or item right inside a formatting element is moved out of it by the parser if that element's end tag comes
  // while it is open (`<b><p class=x>a</b>`): the browser's parent and siblings are not lol-html's.
  const adoptable = subjects.filter((compound) => {
    const type = typeOf(compound);
    return type === undefined || ADOPTABLE.has(type);
  });
  return adoptable.length === 0
    ? runs
    : [
        ...runs,
        {
          tag: ADOPTED,
          selector: [...FORMATTING]
            .flatMap((element) => adoptable.map((compound) => `${element} > ${compound}`))
            .join(", "),
        },
      ];
}
