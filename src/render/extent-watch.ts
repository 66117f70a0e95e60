import { type ContentEdit, placeContent, recordRemoved, selfClosed } from "./content-edit.ts";
import type { EndTask, HandledEndTag } from "./end-tasks.ts";
import { CLOSER_AWARE, closesImplicitly, IMPLIED_END, VOID } from "./html-facts.ts";
import { ENDED_FROM_INSIDE } from "./implied-ancestors.ts";
import { FORMATTING, parserEndsAtEndTag, startTagHtml } from "./parser-agreement.ts";
import type { RewriterDocumentEnd, RewriterEndTag, StreamedElement } from "./rewriter-types.ts";

const HTML = { html: true } as const;
/** No tags open: shared, never written to. */
const NONE: readonly string[] = [];

/**
 * An element open inside a watched one, as lol-html nests it. A chain element has an end tag the parser may imply
 * and sits directly in the watched element or in another chain element: lol-html keeps it open to the watched
 * element's end tag when its own is omitted, so what is put at that end tag would land inside it unless it is closed
 * first. Anything else left open there is a missing end tag the renderer does not repair (`lost`).
 */
interface Entry {
  tag: string;
  chain: boolean;
  /** The parser has ended it at a start tag (a `<div>` after a `<p>`, the next `<li>`): it needs no end tag. */
  ended: boolean;
  /** A child with an implied end of an element that is only appended to. */
  child: boolean;
  /** Such a child whose inside is not watched on this page view (subject-tags.ts). */
  blind: boolean;
}

/**
 * Content and end edits on an element whose end tag the parser may imply (`<li>`, `<p>`, `<td>`…), and end edits on
 * any element. lol-html would take an element with an implied end to run to its parent's end tag, so these edits are
 * done start tag by start tag instead: the element's content is removed chunk by chunk and child by child, and the
 * first start tag that ends the element in the parser (a sibling `<li>`, a `<div>` inside a `<p>`) stops the removal
 * and receives what belongs at the element's end. An end tag lol-html pairs with a removed element but the parser does
 * not is written back.
 */
interface Watch {
  tag: string;
  /** Shown every element inside (descendant-selectors.ts): its own end may be implied at any start tag. */
  tracksAll: boolean;
  /** Elements opened inside it (lol-html nesting) and not yet closed, outermost first. */
  open: Entry[];
  /** The parser has ended the element at a start tag. */
  ended: boolean;
  erasing: boolean;
  /** The start tag and the end tag lol-html pairs with it were removed (remove, replace). */
  removedTags: boolean;
  /** Called with the start tag that ends the element, or else at the end tag lol-html pairs with it. */
  atClose: Array<(place: ClosePlace) => void>;
  /** Entries the end tag being handled also ended, innermost first (lol-html runs their handlers first). */
  pairedAtEnd: { key: string; entries: Entry[] };
  /** A content edit: its new content goes in where the element ends, if the parser ends it there too. */
  content?: ContentEdit;
  /** Unclosed implied-end elements lol-html has around it, which a start tag inside it may end (implied-ancestors.ts). */
  ancestors: readonly string[];
  /** Are those elements watched on this page view (subject-tags.ts)? If not, `ancestors` is empty but unknown. */
  ancestorsWatched: boolean;
  /** The implied-end elements (ENDED_FROM_INSIDE) it can be inside: not those its own start tag ends. */
  insideOf: readonly string[];
  /** Called with a start tag inside it that may end such an element, so later page views watch them. */
  endsAround: () => void;
  /** Children with an implied end whose inside is watched; undefined: all. */
  insideWatched: ReadonlySet<string> | undefined;
  /** Called with a child with an implied end whose end tag is missing, so later page views watch inside it. */
  openChild: (tag: string) => void;
}

/**
 * Where the element ends: at a start tag that ends it (`before` it is both its end and right after it), at an end tag
 * (`after` is right after the element; for an end tag it shares with an ancestor, after an explicit end tag written
 * for it), or at the end of the document (nothing can be put after the element). `lost` says why nothing can be put
 * there: an element inside was left open that the parser does not close by the rules followed here.
 */
interface ClosePlace {
  before(html: string): void;
  after: ((html: string) => void) | undefined;
  lost?: string;
}

/** What a watch on an element that is only appended to is shown of its children (see descendant-selectors.ts). */
interface ChildrenWatched {
  /** Children with an implied end whose inside is watched; undefined: all. */
  inside: ReadonlySet<string> | undefined;
  openChild(tag: string): void;
  /** Are the unclosed `<p>`/`<li>` elements around it watched (impliedAncestorSelectors)? */
  ancestorsWatched: boolean;
  endsAround(): void;
}

const ALL_CHILDREN: ChildrenWatched = {
  inside: undefined,
  openChild() {},
  ancestorsWatched: true,
  endsAround() {},
};

export interface ExtentWatches {
  /** The watch of the element whose handlers run now, created on first use. */
  watchFor(tag: string, queue: (task: EndTask) => void, children?: ChildrenWatched): Watch;
  /** The page's nesting is no longer followed from `element` on: every open watch's edits are skipped. */
  abandonAll(at: Pick<RewriterEndTag, "before">, why: string): void;
  /** Called by the finisher after an element's handlers. */
  elementDone(): void;
  /** Is the content streaming now being removed by a watch? Ops on elements there are moot. */
  erasing(): boolean;
  /**
   * A start tag inside the open watches, shown before any op on the element runs: it may end a watched element, or
   * an element open inside one, in the parser.
   */
  starts(element: StreamedElement, tag: string): void;
  /** The same element, from the finisher: the watches that follow what is open inside them note it until its end. */
  descendant(element: StreamedElement, tag: string, queue: (task: EndTask) => void): void;
  removable(chunk: { removed: boolean; remove(): unknown; text: string }, comment?: boolean): void;
}

/** The end tags that close what is still open of `entries` (innermost first), or why the parser would not agree. */
function closingOf(entries: readonly Entry[], tag: string): { closing: string; lost?: string } {
  let closing = "";
  for (const entry of entries) {
    if (!entry.chain)
      return {
        closing,
        lost: `<${entry.tag}> inside <${tag}> has no end tag: where the parser ends it is not followed`,
      };
    if (entry.blind)
      return {
        closing,
        lost: `<${entry.tag}> inside <${tag}> has no end tag, and what is inside it was not watched on this page view (it is from the next one on)`,
      };
    if (!entry.ended) closing += `</${entry.tag}>`;
  }
  return { closing };
}

/**
 * Which unclosed `<p>`/`<li>` around the watched element the start tag `tag` inside it may end in the parser, with
 * `tags` open in between (lol-html's nesting). Where the element's own start tag ends such an element (a `<section>`
 * a `<p>`), it is not inside one in the browser. When those around it are not watched on this page view, any it may
 * end counts: the edit is skipped and they are watched from the next page view on.
 */
function endsAround(watch: Watch, tag: string, tags: readonly string[]): string | undefined {
  let path: string[] | undefined;
  for (const ancestor of watch.insideOf) {
    path ??= pathInside(watch, tags);
    if (!closesImplicitly(ancestor, tag, path)) continue;
    watch.endsAround();
    if (!watch.ancestorsWatched || watch.ancestors.includes(ancestor)) return ancestor;
  }
  return undefined;
}

/** The implied-end elements a `<tag>` can be inside: its start tag ends the others. Kept per tag. */
const insideOfByTag = new Map<string, readonly string[]>();
function insideOf(tag: string): readonly string[] {
  let inside = insideOfByTag.get(tag);
  if (inside === undefined) {
    inside = ENDED_FROM_INSIDE.filter((ancestor) => !closesImplicitly(ancestor, tag, NONE));
    // Tag names come from pages: the cache is bounded.
    if (insideOfByTag.size < 256) insideOfByTag.set(tag, inside);
  }
  return inside;
}

/** The watched element and what is still open inside it in the parser (`tags` are lol-html's, outermost first). */
function pathInside(watch: Watch, tags: readonly string[]): string[] {
  const path = [watch.tag];
  for (let index = 0; index < tags.length; index++)
    if (!watch.open[index]?.ended) path.push(tags[index] as string);
  return path;
}

/** A start tag ends the watched element in the parser: what belongs at its end is written before that start tag. */
function endAtStartTag(watch: Watch, element: StreamedElement) {
  watch.ended = true;
  // Everything still open inside it is ended with it; the content goes after what the parser closes.
  const { closing, lost } = closingOf([...watch.open].reverse(), watch.tag);
  if (watch.content)
    placeContent(
      watch.content,
      watch.open.filter((entry) => !entry.ended).map((entry) => entry.tag),
      undefined,
      (html) => element.before(html, HTML),
    );
  // The parser closes it only once it reads this start tag: content for after it follows an explicit end tag.
  placeAtClose(watch, lost, true, (before, after) => {
    const content = closing + before + (after ? `</${watch.tag}>${after}` : "");
    if (content) element.before(content, HTML);
  });
}

/**
 * Runs the element's end work: what goes before its end first, then what goes after it, each written once, with the
 * end tags of what the parser closes there written once before them.
 */
function placeAtClose(
  watch: Watch,
  lost: string | undefined,
  canPutAfter: boolean,
  put: (before: string, after: string) => void,
) {
  if (watch.atClose.length === 0) return;
  let before = "";
  let after = "";
  const place: ClosePlace = {
    before: (html) => {
      before += html;
    },
    after: canPutAfter
      ? (html) => {
          after += html;
        }
      : undefined,
    ...(lost ? { lost } : {}),
  };
  for (const close of watch.atClose) close(place);
  put(before, after);
}

/** What the watches of one page share with the end task of each watch. */
interface WatchesShared {
  leave(watch: Watch): void;
  writeBack(end: HandledEndTag): void;
}

/**
 * A watch's end work, queued for its element's end tag. A class, not an object literal: `removesEndTag` must be read
 * live (a content edit made after the task was queued may remove the tags), and a getter in a literal is slow to make.
 */
class WatchEnd implements EndTask {
  readonly #watch: Watch;
  readonly #shared: WatchesShared;
  constructor(watch: Watch, shared: WatchesShared) {
    this.#watch = watch;
    this.#shared = shared;
  }
  atEnd(end: HandledEndTag) {
    const watch = this.#watch;
    const tag = watch.tag;
    this.#shared.leave(watch);
    if (!watch.ended) {
      // The parser ends the element here too: at its own end tag, or at an ancestor's. Children whose end tag
      // it implies are closed first, so what is put at the element's end is not put inside them.
      const paired = watch.pairedAtEnd.key === end.key ? watch.pairedAtEnd.entries : [];
      const open =
        paired.length === 0
          ? []
          : [...paired]
              .reverse()
              .filter((entry) => !entry.ended)
              .map((entry) => entry.tag);
      const above = end.name === tag ? open : [tag, ...open];
      if (watch.content) placeContent(watch.content, above, end.name, (html) => end.before(html, HTML));
      const closed = closingOf(paired, tag);
      const { closing } = closed;
      // Formatting elements left open are `lost` above; a block open in a phrasing element is adopted out of
      // it or keeps it open (`<b><p>a</b>`), a table or select keeps the end tag from ending anything.
      const lost =
        closed.lost ??
        (parserEndsAtEndTag(
          end.name,
          above.filter((open) => !FORMATTING.has(open)),
        )
          ? undefined
          : `the browser does not end <${tag}> at </${end.name}> as the rewriter does (<${open.join("><")}> open inside)`);
      if (end.name === tag)
        placeAtClose(watch, lost, true, (before, after) => {
          if (closing + before) end.before(closing + before, HTML);
          if (after) end.after(after, HTML);
        });
      else
        placeAtClose(watch, lost, !FORMATTING.has(tag), (before, after) => {
          const content = closing + before + (after ? `</${tag}>${after}` : "");
          if (content) end.before(content, HTML);
        });
    }
    if (watch.removedTags && (watch.ended || end.name !== tag)) this.#shared.writeBack(end);
  }
  withoutEndTag() {
    this.#shared.leave(this.#watch);
  }
  atDocumentEnd(end: RewriterDocumentEnd) {
    const watch = this.#watch;
    const tag = watch.tag;
    this.#shared.leave(watch);
    if (watch.ended) return;
    if (watch.content) placeContent(watch.content, [], undefined, (html) => end.append(html, HTML));
    // What is still open inside ran to the end of the document with it.
    const { closing, lost } = closingOf([...watch.open].reverse(), tag);
    placeAtClose(watch, lost, false, (before) => {
      if (before) end.append(closing + before, HTML);
    });
  }
  get removesEndTag() {
    return this.#watch.removedTags;
  }
}

/** An element open inside watched elements, queued for its end tag: it leaves their `open` lists there. */
class OpenInside implements EndTask {
  readonly #tag: string;
  readonly #tracking: readonly Watch[];
  /** Its entry in each of `tracking`'s open lists. */
  readonly #entries: readonly Entry[];
  /** The innermost watch it is inside. */
  readonly #owner: Watch;
  /** Its tags were removed: the owner's content edit was erasing there. */
  readonly removesEndTag: boolean;
  /** The owner's content edit, which noted its start tag (at `#recorded`) as removed. */
  readonly #recording: ContentEdit | undefined;
  readonly #recorded: number | undefined;
  readonly #shared: WatchesShared;
  constructor(
    tag: string,
    tracking: readonly Watch[],
    entries: readonly Entry[],
    owner: Watch,
    erase: boolean,
    recording: ContentEdit | undefined,
    recorded: number | undefined,
    shared: WatchesShared,
  ) {
    this.#tag = tag;
    this.#tracking = tracking;
    this.#entries = entries;
    this.#owner = owner;
    this.removesEndTag = erase;
    this.#recording = recording;
    this.#recorded = recorded;
    this.#shared = shared;
  }
  #close() {
    const entries = this.#entries;
    this.#tracking.forEach((watch, index) => {
      const at = watch.open.lastIndexOf(entries[index] as Entry);
      if (at >= 0) watch.open.splice(at, 1);
    });
  }
  atEnd(end: HandledEndTag) {
    this.#close();
    const tag = this.#tag;
    const entries = this.#entries;
    if (end.name !== tag)
      this.#tracking.forEach((watch, index) => {
        // A child whose end tag is missing: later page views watch what is inside such children.
        if (entries[index]?.child) watch.openChild(tag);
        if (watch.pairedAtEnd.key !== end.key) watch.pairedAtEnd = { key: end.key, entries: [] };
        watch.pairedAtEnd.entries.push(entries[index] as Entry);
      });
    // An end tag lol-html pairs with this removed element belongs to another one: written back unless that
    // one is a removed element still open inside the watched element (its own handler comes next).
    const another = end.name !== tag && !this.#owner.open.some((entry) => entry.tag === end.name);
    if (this.removesEndTag && (another || (end.name === tag && this.#owner.ended)))
      this.#shared.writeBack(end);
    else if (end.name === tag && this.#recording) recordRemoved(this.#recording, `</${tag}>`);
  }
  withoutEndTag() {
    this.#close();
    // Self-closing in SVG or MathML: it must stay so, or what follows would go inside it.
    if (this.#recording && this.#recorded !== undefined && !VOID.has(this.#tag))
      selfClosed(this.#recording, this.#recorded);
  }
  atDocumentEnd() {
    this.#close();
    this.#tracking.forEach((watch, index) => {
      if (this.#entries[index]?.child) watch.openChild(this.#tag);
    });
  }
}

/**
 * `keeps`: content edits keep what they remove, to write it back where the parser disagrees (a dry run writes nothing
 * back, so it keeps nothing and reads no attributes of the elements it would remove).
 */
export function createExtentWatches(keeps = true): ExtentWatches {
  const active: Watch[] = [];
  let current: Watch | undefined;
  // Several removed elements can be paired with one end tag: it is written back once.
  let writtenBack = "";
  const writeBack = (end: HandledEndTag) => {
    if (writtenBack === end.key) return;
    writtenBack = end.key;
    end.after(`</${end.name}>`, HTML);
  };
  const erasingIn = (watch: Watch | undefined) => watch?.erasing === true && !watch.ended;
  /** The innermost watch other than the one the current element opened. */
  const enclosing = () => {
    const last = active.at(-1);
    return last === current ? active.at(-2) : last;
  };
  const leave = (watch: Watch) => active.splice(active.lastIndexOf(watch), 1);
  const shared: WatchesShared = { leave, writeBack };
  /** The element's end is no longer known to be where the parser has it: its edits are skipped from `element` on. */
  const abandon = (watch: Watch, element: Pick<RewriterEndTag, "before">, why: string) => {
    watch.ended = true;
    if (watch.content) placeContent(watch.content, [], undefined, (html) => element.before(html, HTML), why);
    placeAtClose(watch, why, false, () => {});
  };
  return {
    watchFor(tag, queue, children = ALL_CHILDREN) {
      if (current) return current;
      const watch: Watch = {
        tag,
        tracksAll: CLOSER_AWARE.has(tag),
        insideOf: insideOf(tag),
        open: [],
        ended: false,
        erasing: false,
        removedTags: false,
        atClose: [],
        pairedAtEnd: { key: "", entries: [] },
        ancestors: [],
        ancestorsWatched: children.ancestorsWatched,
        endsAround: children.endsAround,
        insideWatched: children.inside,
        openChild: children.openChild,
      };
      current = watch;
      active.push(watch);
      queue(new WatchEnd(watch, shared));
      return watch;
    },
    elementDone() {
      current = undefined;
    },
    erasing: () => erasingIn(active.at(-1)),
    abandonAll(element, why) {
      for (const watch of active) if (!watch.ended && watch !== current) abandon(watch, element, why);
    },
    starts(element, tag) {
      if (active.length === 0) return;
      for (const watch of active) {
        if (watch.ended || watch === current) continue;
        const tags = watch.open.length === 0 ? NONE : watch.open.map((entry) => entry.tag);
        if (closesImplicitly(watch.tag, tag, tags)) {
          endAtStartTag(watch, element);
          continue;
        }
        const around = endsAround(watch, tag, tags);
        if (around) {
          // The parser ends the element here if the <p> (the item…) around it is still open there, which is not
          // followed: what the edit removed is put back, and nothing is put at its end.
          abandon(
            watch,
            element,
            watch.ancestorsWatched
              ? `<${tag}> inside it may end the unclosed <${around}> around <${watch.tag}>, and it with it, in the browser`
              : `<${tag}> inside it may end an unclosed <${around}> around <${watch.tag}>, which was not watched on this page view (it is from the next one on)`,
          );
          continue;
        }
        // The outermost chain element open inside it that this start tag ends, and everything inside that.
        for (let index = 0; index < watch.open.length; index++) {
          const entry = watch.open[index] as Entry;
          if (!entry.chain || entry.ended || !closesImplicitly(entry.tag, tag, tags.slice(index + 1)))
            continue;
          for (let inner = index; inner < watch.open.length; inner++)
            (watch.open[inner] as Entry).ended = true;
          break;
        }
      }
    },
    descendant(element, tag, queue) {
      if (active.length === 0) return;
      let tracking: Watch[] | undefined;
      for (const watch of active)
        if (watch !== current && !watch.ended) {
          tracking ??= [];
          tracking.push(watch);
        }
      if (tracking === undefined) return;
      // A watch on an element that is only appended to is shown its children and what is inside those with an
      // implied end (descendant-selectors.ts), so with nothing open inside it, an element is one of its children.
      const implied = IMPLIED_END.has(tag);
      const erase = erasingIn(enclosing());
      const entries: Entry[] = [];
      for (const watch of tracking) {
        const parent = watch.open.at(-1);
        const child = implied && parent === undefined && !watch.tracksAll;
        const entry: Entry = {
          tag,
          chain: implied && (parent === undefined || parent.chain),
          ended: false,
          child,
          blind: child && watch.insideWatched !== undefined && !watch.insideWatched.has(tag),
        };
        watch.open.push(entry);
        entries.push(entry);
      }
      const owner = enclosing() as Watch;
      const recording = erase && keeps ? owner?.content : undefined;
      const recorded = recording && recordRemoved(recording, startTagHtml(tag, element.attributes));
      if (erase) element.removeAndKeepContent();
      queue(new OpenInside(tag, tracking, entries, owner, erase, recording, recorded, shared));
    },
    removable(chunk, comment = false) {
      const watch = active.at(-1);
      // Whether a watch is erasing is known here; `removed` is a call into the runtime, made only then.
      if (!erasingIn(watch) || chunk.removed) return;
      if (watch?.content) recordRemoved(watch.content, comment ? `<!--${chunk.text}-->` : chunk.text);
      chunk.remove();
    },
  };
}
