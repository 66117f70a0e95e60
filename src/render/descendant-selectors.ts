import { createBoundedCache } from "../core/cache/bounded-cache.ts";
import { splitList } from "../core/html/selector.ts";
import { CLOSER_AWARE, IMPLIED_END, NATIVE_EXTENT, SCOPE_BOUNDARY } from "./html-facts.ts";
import { FORMATTING } from "./parser-agreement.ts";

/**
 * Children whose end tag the parser may imply at their parent's end tag, in body content: what an element that is
 * only appended to must see inside itself, so its end ops land after them (`head` is never inside such an element).
 */
export const IMPLIED_IN_BODY = [...IMPLIED_END].filter((tag) => tag !== "head");

/** What earlier page views found a subject needed watched inside it (subject-tags.ts); absent: everything. */
export interface WatchedInside {
  /** The closer-aware tags the subjects had. */
  tags: ReadonlySet<string>;
  /** The implied-end children seen without their end tag. */
  children: ReadonlySet<string>;
  /** A subject needed its content edited step by step: a tag not in NATIVE_EXTENT, or inside an unclosed item. */
  stepwise?: boolean;
}

/**
 * The elements inside what `selector` matches that an edit of its extent must see, as one selector list. Each match
 * costs JS calls (the element, its end tag), so the list is as narrow as the HTML parser's rules allow:
 * - content edits remove what is inside: every element (`S *`);
 * - end edits (append, insertAfter) on an element whose end the parser may imply (`p`, `li`, `td`…): every element,
 *   for the start tags that end it and the scopes that decide whether they do;
 * - end edits on any other element (`div`, `section`…): its children with an implied end (`S > li`…), and what is
 *   inside them (`S > li *`…). Only those can still be open at its end tag (a `<p>` without `</p>`, a run of `<li>`s
 *   that lol-html nests inside the first), and what is inside one says whether the parser had already closed it
 *   (a `<div>` after the `<p>`). A `<li>` inside a closed `<ul>` is never open there, so a product page's
 *   description lists cost nothing.
 * When the selector's subject names no tag, both of the last two are registered: the second for any subject, the first
 * for each closer-aware tag put on the subject's compound (`#d` → `p#d *`). Once the selector has been seen in use
 * (`learned`, subject-tags.ts), the first only for the closer-aware tags its subjects had (each such selector is a root
 * the rewriter tests against every element of the page), and what is inside children only for the children seen
 * without their end tag. One handler takes the whole list, so an element matched twice is still one call. The list is
 * compiled on every request, and its length costs more than the calls it saves (`#d:not(p):not(li)… li` was as slow
 * as the ~90 structural tags it replaced): it is kept short.
 */
export function descendantsOf(selector: string, content: boolean, learned?: WatchedInside): string {
  const seen = learned ? keyOf(learned) : "*";
  const key = `${content ? "c" : "e"}${seen}|${selector}`;
  const known = built.get(key);
  if (known !== undefined) return known;
  const list = build(selector, content, learned);
  built.set(key, list);
  return list;
}

/** What was learned, as part of a cache key: kept per entry, which subject-tags.ts replaces rather than changes. */
const keys = new WeakMap<WatchedInside, string>();
function keyOf(learned: WatchedInside): string {
  let key = keys.get(learned);
  if (key === undefined) {
    key = `${[...learned.tags].sort()}/${[...learned.children].sort()}`;
    keys.set(learned, key);
  }
  return key;
}

/**
 * Can content edits on what `selector` matches be left to the rewriter (NATIVE_EXTENT) on this page view? Only once the
 * selector has been seen in use (`learned`: the first page view under new rules edits step by step, which is exact
 * on any page), when every subject so far was such an element and none needed more (`stepwise`: a subject of another
 * tag, one inside an unclosed item, or something left open inside one at its end tag). A subject that turns out
 * otherwise is skipped or not counted on that page view and learned (render.ts).
 */
export function nativeContentOf(selector: string, learned?: WatchedInside): boolean {
  if (learned === undefined || learned.stepwise) return false;
  let known = native.get(selector);
  if (known === undefined) {
    known = splitList(selector).every((part) => {
      const type = typeOf(lastCompound(part).compound);
      return type === undefined || NATIVE_EXTENT.has(type);
    });
    native.set(selector, known);
  }
  return known;
}

/**
 * What a content edit the rewriter makes itself must still see inside its element: the elements that, left open at
 * its end tag, make the parser ignore that end tag (SCOPE_BOUNDARY) or reopen them around what follows (formatting
 * elements). Few on a page, so nearly free.
 */
export function nativeEditWatches(selector: string): string {
  let list = watchLists.get(selector);
  if (list === undefined) {
    list = splitList(selector)
      .flatMap((part) => [...SCOPE_BOUNDARY, ...FORMATTING].map((tag) => `${part} ${tag}`))
      .join(", ");
    watchLists.set(selector, list);
  }
  return list;
}

const native = createBoundedCache<boolean>(512);
const watchLists = createBoundedCache<string>(512);

/** Does a part of the selector list have a subject that names no tag (`#d`, `.a > *.b`)? */
export function hasUntypedSubject(selector: string): boolean {
  let known = untyped.get(selector);
  if (known === undefined) {
    known = splitList(selector).some((part) => typeOf(lastCompound(part).compound) === undefined);
    untyped.set(selector, known);
  }
  return known;
}

const untyped = createBoundedCache<boolean>(512);

/** The lists already built in this isolate: the same rules' selectors come back on every page view. */
const built = createBoundedCache<string>(512);

function build(selector: string, content: boolean, learned: WatchedInside | undefined): string {
  return splitList(selector)
    .flatMap((part) => {
      if (content) return [`${part} *`];
      const { prefix, compound } = lastCompound(part);
      const type = typeOf(compound);
      // Every child: one left open whose end tag is required (`<div><span><p>a</div>`) holds what would be put at the
      // end, and what is inside it is not known (the end op is skipped).
      const children = [
        `${part} > *`,
        ...IMPLIED_IN_BODY.flatMap((tag) =>
          learned?.children.has(tag) === false ? [] : [`${part} > ${tag} *`],
        ),
      ];
      if (type !== undefined) return CLOSER_AWARE.has(type) ? [`${part} *`] : children;
      const typed = [...CLOSER_AWARE].filter((tag) => learned?.tags.has(tag) ?? true);
      return [...children, ...typed.map((tag) => `${prefix}${withType(compound, tag)} *`)];
    })
    .join(", ");
}

/** `#a > .b[x="y z"]` → prefix `#a > `, compound `.b[x="y z"]`: the subject's compound selector. */
export function lastCompound(part: string): { prefix: string; compound: string } {
  const trimmed = part.trim();
  let depth = 0;
  let quote = "";
  let start = 0;
  for (let i = 0; i < trimmed.length; i++) {
    const char = trimmed[i] as string;
    if (quote) {
      if (char === "\\") i++;
      else if (char === quote) quote = "";
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "\\") i++;
    else if (char === "(" || char === "[") depth++;
    else if (char === ")" || char === "]") depth--;
    else if (depth === 0 && /[\s>+~]/.test(char)) start = i + 1;
  }
  return { prefix: trimmed.slice(0, start), compound: trimmed.slice(start) };
}

/** The tag a compound selector names, lower-cased, if it names one (`li.a` → `li`, `.a` and `*.a` → undefined). */
export function typeOf(compound: string): string | undefined {
  return /^[a-zA-Z][\w-]*/.exec(compound)?.[0]?.toLowerCase();
}

/** The compound restricted to `tag` (`.a` → `li.a`, `*.a` → `li.a`); undefined if it names another tag. */
export function withType(compound: string, tag: string): string | undefined {
  const type = typeOf(compound);
  if (type !== undefined) return type === tag ? compound : undefined;
  return `${tag}${compound.startsWith("*") ? compound.slice(1) : compound}`;
}
