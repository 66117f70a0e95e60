import { lastCompound, typeOf, withType } from "./descendant-selectors.ts";
import { CLOSER_AWARE, closesImplicitly } from "./html-facts.ts";
import { PARAGRAPH_RUNS } from "./implied-parent.ts";

/** Every start tag that can end an implied-end element right inside it in the parser (html-facts.ts). */
export const CLOSERS =
  "address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer header hgroup main menu nav ol p search section summary ul h1 h2 h3 h4 h5 h6 pre listing form plaintext table hr xmp li dd dt option optgroup tr tbody thead tfoot td th rb rt rtc rp".split(
    " ",
  );

/** A complex selector's compounds, outermost first, each with what precedes it (`ul li a` → `ul`, `ul li`, …). */
function steps(part: string): Array<{ prefix: string; compound: string; descendant: boolean }> {
  const found: Array<{ prefix: string; compound: string; descendant: boolean }> = [];
  let rest = part.trim();
  while (rest !== "") {
    const { prefix, compound } = lastCompound(rest);
    const trimmed = prefix.trimEnd();
    // The combinator before this compound: whitespace alone is a descendant combinator.
    const descendant = trimmed !== "" && !trimmed.endsWith(">");
    if (compound !== "") found.unshift({ prefix, compound, descendant });
    rest = trimmed.replace(/>$/, "").trimEnd();
  }
  return found;
}

/** `.a[x]#b` → `.a`, `[x]`, `#b`; undefined when the compound holds a pseudo-class or anything else. */
function simpleParts(rest: string): string[] | undefined {
  const parts = rest.match(/\.[\w-]+|#[\w-]+|\[[^\]]*\]/g) ?? [];
  return parts.join("") === rest ? parts : undefined;
}

/**
 * For a selector with a descendant combinator, per implied-end tag, the selector list matching a start tag that ends
 * such an element while lol-html keeps it open around what follows, where that element stands for an ancestor
 * compound (`p span` → `p > div`, `p > ul`…; `li li` → `li > li`). lol-html nests the items of an unclosed `<li>`
 * run inside each other and a `<div>` after an unclosed `<p>` inside the `<p>`: the elements after such a start tag
 * have one ancestor more than in the browser, so `li li` matches every item but the first and `p span` a `<span>` in
 * the `<div>`. A closer that itself matches the ancestor compound, and no later one, changes nothing (`li a` on a run
 * of items: each `<a>` is in an item either way), so it is left out.
 */
export function descendantRunWatches(part: string): Array<{ tag: string; selector: string }> {
  const chain = steps(part);
  const found: Array<{ tag: string; selector: string }> = [];
  chain.forEach(({ prefix, compound }, index) => {
    const next = chain[index + 1];
    // Only an ancestor compound followed by a descendant combinator can stand for an element that was ended.
    if (!next?.descendant) return;
    const later = chain.slice(index + 1).map((step) => step.compound);
    const type = typeOf(compound);
    const rest = type === undefined ? compound.replace(/^\*/, "") : compound.slice(type.length);
    const simple = simpleParts(rest);
    for (const tag of CLOSER_AWARE) {
      const ancestor = withType(compound, tag);
      if (ancestor === undefined) continue;
      const selectors: string[] = [];
      // A `<p>` is ended by a block start tag inside a phrasing element in it too (`<p><b><div>`).
      const direct = `${prefix}${ancestor}${tag === "p" ? " " : " > "}`;
      const closers = CLOSERS.filter((closer) => closesImplicitly(tag, closer, []));
      // An item's end is implied from inside a paragraph left open in it too (`<li><p>a<li>`).
      const inParagraph = closers.every((closer) => closesImplicitly(tag, closer, ["p"]));
      for (const at of inParagraph && tag !== "p"
        ? [direct, ...PARAGRAPH_RUNS.map((run) => `${direct}${run}`)]
        : [direct]) {
        // A compound without a tag is tried against each closer by name where they are few (`li.card > li`, zero
        // calls on a page that closes its items), and against any child where they are many (a `<p>`'s forty).
        const tried = type !== undefined || closers.length <= 6 ? closers : ["*"];
        for (const closer of tried) {
          const mayMatch = closer === "*" || type === undefined || closer === type;
          const name = closer === "*" ? "" : closer;
          // Any closer that does not match the compound (filtered when matched, render.ts)…
          if (!mayMatch) selectors.push(`${at}${closer}`);
          else if (simple === undefined) selectors.push(`${at}${closer}`);
          else selectors.push(...simple.map((one) => `${at}${name}:not(${one})`));
        }
        // …or one that matches a later compound, so it would be matched with the ended element as its ancestor.
        for (const compoundAfter of later) {
          const laterType = typeOf(compoundAfter);
          if (laterType !== undefined) {
            if (closers.includes(laterType)) selectors.push(`${at}${compoundAfter}`);
          } else if (closers.length > 6) selectors.push(`${at}${compoundAfter}`);
          else for (const closer of closers) selectors.push(`${at}${withType(compoundAfter, closer)}`);
        }
      }
      if (selectors.length > 0) found.push({ tag, selector: [...new Set(selectors)].join(", ") });
    }
  });
  return found;
}
