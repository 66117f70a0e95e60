import { watchesInside } from "./descendant-selectors.ts";
import type { EndTask } from "./end-tasks.ts";
import { CLOSER_AWARE, closesImplicitly, IMPLIED_END } from "./html-facts.ts";
import type { RewriterEndTag, StreamedElement } from "./rewriter-types.ts";

const HTML = { html: true } as const;

/**
 * Formatting elements the parser reopens after an implied end: closing one explicitly would change what follows, so
 * nothing is put after one whose end tag is implied.
 */
const FORMATTING = new Set("a b big code em font i nobr s small strike strong tt u".split(" "));

/**
 * Content and end edits on an element whose end tag the parser may imply (`<li>`, `<p>`, `<td>`…). lol-html would
 * take the element to run to its parent's end tag, so these edits are done start tag by start tag instead:
 * the element's content is removed chunk by chunk and child by child, and the first start tag that ends the element
 * in the parser (a sibling `<li>`, a `<div>` inside a `<p>`) stops the removal and receives what belongs at the
 * element's end. An end tag lol-html pairs with a removed element but the parser does not is written back.
 */
interface Watch {
  tag: string;
  /** Descendants opened (lol-html nesting) and not yet closed, for the parser's scope rules. */
  open: string[];
  /** The parser has ended the element at a start tag. */
  ended: boolean;
  erasing: boolean;
  /** The start tag and the end tag lol-html pairs with it were removed (remove, replace). */
  removedTags: boolean;
  /** Called with the start tag that ends the element, or else at the end tag lol-html pairs with it. */
  atClose: Array<(place: ClosePlace) => void>;
  /** Descendants with an optional end tag that the current end tag also ended, innermost first. */
  impliedAtEnd: { key: string; tags: string[] };
}

/**
 * Where the element ends: at a start tag that ends it (`before` it is both its end and right after it), at an end tag
 * (`after` is right after the element; for an end tag it shares with an ancestor, after an explicit end tag written
 * for it), or at the end of the document (nothing can be put after the element).
 */
interface ClosePlace {
  before(html: string): void;
  after: ((html: string) => void) | undefined;
}

export interface ExtentWatches {
  /** The watch of the element whose handlers run now, created on first use. */
  watchFor(tag: string, queue: (task: EndTask) => void): Watch;
  /** Called by the finisher after an element's handlers. */
  elementDone(): void;
  /** Is the content streaming now being removed by a watch? Ops on elements there are moot. */
  erasing(): boolean;
  /**
   * Does an open watch (not one the current element itself opened) need to see a `<tag>` inside it? Exactly the
   * elements that the descendant selectors (descendant-selectors.ts) match under a watched element.
   */
  sees(tag: string): boolean;
  descendant(element: StreamedElement, tag: string, queue: (task: EndTask) => void): void;
  removable(chunk: { removed: boolean; remove(): unknown }): void;
}

export function createExtentWatches(): ExtentWatches {
  const active: Watch[] = [];
  let current: Watch | undefined;
  // Several removed elements can be paired with one end tag: it is written back once.
  let clock = 0;
  let writtenBack = "";
  const writeBack = (end: RewriterEndTag) => {
    if (writtenBack === `${clock}:${end.name}`) return;
    writtenBack = `${clock}:${end.name}`;
    end.after(`</${end.name}>`, HTML);
  };
  const erasingNow = () => {
    const innermost = active.at(-1);
    return innermost?.erasing === true && !innermost.ended;
  };
  return {
    watchFor(tag, queue) {
      if (current) return current;
      clock++;
      const watch: Watch = {
        tag,
        open: [],
        ended: false,
        erasing: false,
        removedTags: false,
        atClose: [],
        impliedAtEnd: { key: "", tags: [] },
      };
      current = watch;
      active.push(watch);
      queue({
        atEnd(end) {
          active.splice(active.lastIndexOf(watch), 1);
          if (!watch.ended) {
            // The parser ends the element here too: at its own end tag, or at an ancestor's. Children whose end tag
            // it implies are closed first, so what is put at the element's end is not put inside them.
            const own = end.name === tag;
            const implied = watch.impliedAtEnd.key === `${clock}:${end.name}` ? watch.impliedAtEnd.tags : [];
            // Unclosed siblings of one kind nest in lol-html; the parser had closed all but the last: one end tag.
            const closing = [...new Set(implied)].map((child) => `</${child}>`).join("");
            for (const close of watch.atClose)
              close({
                before: (html) => end.before(closing + html, HTML),
                after: own
                  ? (html) => end.after(html, HTML)
                  : FORMATTING.has(tag)
                    ? undefined
                    : (html) => end.before(`${closing}</${tag}>${html}`, HTML),
              });
          }
          if (watch.removedTags && (watch.ended || end.name !== tag)) writeBack(end);
        },
        withoutEndTag() {
          active.splice(active.lastIndexOf(watch), 1);
        },
        atDocumentEnd(end) {
          active.splice(active.lastIndexOf(watch), 1);
          if (!watch.ended)
            for (const close of watch.atClose)
              close({ before: (html) => end.append(html, HTML), after: undefined });
        },
        get removesEndTag() {
          return watch.removedTags;
        },
      });
      return watch;
    },
    elementDone() {
      current = undefined;
    },
    erasing: erasingNow,
    sees(tag) {
      for (const watch of active) if (watch !== current && watchesInside(watch.tag, tag)) return true;
      return false;
    },
    descendant(element, tag, queue) {
      if (active.length === 0) return;
      clock++;
      for (const watch of active) {
        if (watch.ended || !closesImplicitly(watch.tag, tag, watch.open)) continue;
        watch.ended = true;
        const before = (html: string) => element.before(html, HTML);
        for (const close of watch.atClose) close({ before, after: before });
      }
      const opened = active.filter((watch) => !watch.ended);
      if (opened.length === 0) return;
      // Inside a large target (a `<div>` being appended to) only children whose end tag may be implied matter.
      if (!IMPLIED_END.has(tag) && !opened.some((watch) => watch.erasing || CLOSER_AWARE.has(watch.tag)))
        return;
      const erase = erasingNow();
      for (const watch of opened) watch.open.push(tag);
      if (erase) element.removeAndKeepContent();
      const close = () => {
        for (const watch of opened) watch.open.splice(watch.open.lastIndexOf(tag), 1);
      };
      const owner = active.at(-1) as Watch;
      queue({
        atEnd(end) {
          close();
          if (end.name !== tag && IMPLIED_END.has(tag))
            for (const watch of opened) {
              const key = `${clock}:${end.name}`;
              if (watch.impliedAtEnd.key !== key) watch.impliedAtEnd = { key, tags: [] };
              watch.impliedAtEnd.tags.push(tag);
            }
          // An end tag lol-html pairs with this removed element belongs to another one: written back unless that
          // one is a removed element still open inside the watched element (its own handler comes next).
          const another = end.name !== tag && !owner.open.includes(end.name);
          if (erase && (another || (end.name === tag && owner.ended))) writeBack(end);
        },
        withoutEndTag: close,
        atDocumentEnd: close,
        removesEndTag: erase,
      });
    },
    removable(chunk) {
      clock++;
      if (!chunk.removed && erasingNow()) chunk.remove();
    },
  };
}
