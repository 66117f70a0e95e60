import { createBoundedCache } from "../core/cache/bounded-cache.ts";
import { splitList } from "../core/html/selector.ts";
import { lastCompound, typeOf } from "./descendant-selectors.ts";
import { FORMATTING } from "./parser-agreement.ts";
import { isStructural } from "./structural-runs.ts";

/**
 * Does a part of the selector list match a formatting element (`b`, `a`, `em`…, or a subject naming no tag) by its
 * parents, ancestors or position (`nav > a`, `p .t`, `em.t:nth-child(2)`)? The parser clones such an element where it
 * is still open at a block's end or holds a block at its own end tag (`<em class=t><p>a</em>`: the adoption agency
 * puts a clone inside the `<p>`; `<p><b class=t>a</p>b`: a clone around "b"). The clone carries the attributes the
 * served start tag has, an op's included, but sits elsewhere: the browser's selector may not match it, or match it
 * where lol-html did not match the original.
 */
export function clonesMatter(selector: string): boolean {
  let known = clonable.get(selector);
  if (known === undefined) {
    known = splitList(selector).some((part) => {
      const { prefix, compound } = lastCompound(part);
      const type = typeOf(compound);
      return (type === undefined || FORMATTING.has(type)) && (prefix !== "" || isStructural(compound));
    });
    clonable.set(selector, known);
  }
  return known;
}

/** Asked of every selector on every page view: the same rules' selectors come back each time. */
const clonable = createBoundedCache<boolean>(512);
