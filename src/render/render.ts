import type { CompiledExperiment } from "../core/decide/compile.ts";
import type { Decision } from "../core/decide/decide.ts";
import type { SelectorPlan } from "../core/page-view/edit-plan.ts";
import type { RenderData } from "../core/page-view/render-data.ts";
import { type Op, opSelector } from "../core/schema/ops.ts";
import {
  applyOp,
  insertedHtml,
  placesAfter,
  refuseRawTextContent,
  styleElement,
  takesElement,
} from "./apply-op.ts";
import { asciiElement, asciiHtml, styleEscapedElement, styleEscapedHtml } from "./ascii-output.ts";
import { isUtf8Label } from "./charset-sniff.ts";
import { transformInPageEncoding } from "./charset-transform.ts";
import { createContentEdit } from "./content-edit.ts";
import { descendantsOf, nativeContentOf, nativeEditWatches } from "./descendant-selectors.ts";
import { type Action, dryElement, dryTask, withDryRuns } from "./dry-run.ts";
import { createEndTasks, type EndTask } from "./end-tasks.ts";
import { createExtentWatches, type ExtentWatches } from "./extent-watch.ts";
import { clonesMatter } from "./formatting-clones.ts";
import { closesImplicitly, ENDS_WITH_DOCUMENT, NATIVE_EXTENT, SCOPE_BOUNDARY, VOID } from "./html-facts.ts";
import {
  ADOPTABLE,
  adoptableSelectors,
  BLOCK_IN_PHRASING,
  closedThroughSelectors,
  FORMATTING_IN_P,
  impliedAncestorSelectors,
  PHRASING_END,
} from "./implied-ancestors.ts";
import {
  closingBefore,
  type ImpliedParent,
  impliedParentSelectors,
  writesBeforeStartTag,
} from "./implied-parent.ts";
import { placementOf, refusal } from "./op-placement.ts";
import { contextTags, createPageContext, enterElement, reachable, unfollowed } from "./page-context.ts";
import { FORMATTING } from "./parser-agreement.ts";
import type {
  RewriterDocumentEnd,
  RewriterFactory,
  RewriterLike,
  StreamedElement,
} from "./rewriter-types.ts";
import { ADOPTED, runWatchSelectors } from "./structural-runs.ts";
import { type SubjectTags, singletonSubjects, subjectTagsFor } from "./subject-tags.ts";

/** What the streamed page really contained, known once the last byte has passed through. */
export interface RenderOutcome {
  /** Per decision: did one of its exposure selectors match in the served HTML? */
  matched: boolean[];
  /** Per decision: was one of its ops skipped, refused or did it throw? A faulted experiment is not counted. */
  faulted: boolean[];
}

export interface Rendered {
  response: Response;
  /** Settles when the document has streamed to the end; never settles if the client goes away first. */
  outcome: Promise<RenderOutcome>;
}

/** An op left out so the page is not damaged: logged like a fault, naming its experiment. */
class OpSkipped extends Error {
  override name = "OpSkipped";
}

/**
 * Where an op's edits go: into the page (`real`), or nowhere (`dry`: another arm's op, run so that its skips refuse
 * this arm too). Each has its own watches, so a dry edit never shares what a real one removes or writes.
 */
interface Side {
  watches: ExtentWatches;
  /** Are the edits written (real), so that what a content edit removes is kept to be written back? */
  writes: boolean;
  fault(index: number, error: unknown): void;
  /** Has the decision already been skipped (real) or refused (dry)? */
  done(index: number): boolean;
  queue(task: EndTask): void;
  /** The content edit to make once the element's handlers have all run (stepwiseContent). */
  pending?: {
    index: number;
    op: string;
    html: string | undefined;
    takes: boolean;
    watch: ReturnType<ExtentWatches["watchFor"]>;
  };
}

const HTML = { html: true } as const;
/** No tags: shared, never written to. */
const NONE: string[] = [];
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Streams `response` through HTMLRewriter, applying the plan. Handlers are synchronous and tiny: the page is never
 * buffered. Each op lands where a browser's DOM has its element, or is skipped and its experiment marked faulted, so
 * a visitor is never counted as exposed to a change they did not get and no content a rule did not name is lost:
 * - a selector the engine refuses costs only the experiments that use it;
 * - elements inside `<template>`/`<noscript>`, SVG titles and repeated `<body>` tags are not matched (page-context.ts);
 * - ops at an element's end wait for its own end tag; content and end ops on elements whose end tag HTML may imply
 *   are refused at the start tag (op-placement.ts);
 * - the page is read in its own encoding (charset-transform.ts).
 */
export function renderPage(
  response: Response,
  decisions: readonly Decision[],
  edits: readonly SelectorPlan[],
  data: RenderData,
  createRewriter: RewriterFactory,
  onFault: (error: unknown, decision: Decision) => void,
): Rendered {
  const matched = decisions.map(() => false);
  const faulted = decisions.map(() => false);
  // Refused for this page in every arm alike (see refusedOnAnyArm), so the arms are counted by the same rule.
  const refused = decisions.map(() => false);
  const fault = (index: number, error: unknown) => {
    if (faulted[index]) return;
    faulted[index] = true;
    onFault(error, decisions[index] as Decision);
  };
  let finish: () => void = () => {};
  const outcome = new Promise<RenderOutcome>((resolve) => {
    finish = () => resolve({ matched, faulted: faulted.map((f, i) => f || Boolean(refused[i])) });
  });
  // Only the singletons a selector may match are followed; one met elsewhere is skipped in every arm (onMatch).
  const context = createPageContext(singletonSubjects(decisions.map(({ compiled }) => compiled)));
  const endTasks = createEndTasks();
  const watches = createExtentWatches();
  // Other arms' content and end edits, run dry in this one: their late skips refuse this arm too (dry-run.ts).
  const plan = withDryRuns(edits, decisions);
  const real: Side = {
    watches,
    writes: true,
    fault,
    done: (index) => faulted[index] === true,
    queue: endTasks.queue,
  };
  const dry: Side | undefined = plan.some(({ actions }) => actions.some((action) => action.dry))
    ? {
        watches: createExtentWatches(false),
        writes: false,
        fault: (index) => {
          refused[index] = true;
        },
        done: (index) => refused[index] === true,
        queue: (task) => endTasks.queue(dryTask(task)),
      }
    : undefined;
  let ascii = false;
  let legacy = false;
  const html = (content: string) =>
    ascii ? asciiHtml(content) : legacy ? styleEscapedHtml(content) : content;
  const styles = createStylePlacement(decisions, html);
  const subjects = subjectTagsFor(plan, (decision) => (decisions[decision] as Decision).compiled);
  // Selectors whose content edits the rewriter makes by itself on this page view (nativeContentOf), filled below.
  const nativeContent = new Set<string>();
  const refusedOnAnyArm = refusalsByArm(decisions, subjects, nativeContent);
  /** Content edits the rewriter is making by itself, outermost first, until their element's end tag. */
  const nativeOpen: NativeEdit[] = [];
  const atDocumentEnd: Array<(end: RewriterDocumentEnd) => void> = [];

  function applyAt(
    element: StreamedElement,
    selector: string,
    tag: string,
    index: number,
    op: Op,
    parent: ImpliedParent | undefined,
    ancestors: string[],
    side: Side,
  ) {
    const fault = side.fault;
    const why = refusal(op, tag) ?? unwatchedSubject(subjects, selector, op, tag, nativeContent);
    if (why) return fault(index, new OpSkipped(why));
    if (writesBeforeStartTag(op)) {
      // The parser closes the parent here; closing it first changes nothing else and keeps what is put here out of it.
      const { closing, ambiguous } = closingBefore(parent, tag);
      if (ambiguous) return fault(index, new OpSkipped(`${op.op}: ${ambiguous}`));
      if (closing) element.before(closing, HTML);
    }
    // The stepwise and end paths below do not go through applyOp: the raw-text refusal is made here for them too.
    refuseRawTextContent(element, op, tag);
    const placement = placementOf(op);
    if (placement === "end" && VOID.has(tag)) {
      const content = insertedHtml(op, data);
      if (content !== undefined) element.after(html(content), HTML);
      return;
    }
    const native = placement === "extent" && !VOID.has(tag) && nativeContent.has(selector);
    if (placement === "end" || (placement === "extent" && !VOID.has(tag) && !native))
      return applyStepwise(selector, tag, index, op, placement, ancestors, side);
    applyOp(
      ascii ? asciiElement(element, op) : legacy ? styleEscapedElement(element) : element,
      op,
      data,
      tag,
    );
    if (placement !== "extent") return;
    if (native) return followNativeEdit(selector, tag, index, op, side);
    // A content edit removed what lol-html took for the element; if its end tag was implied after all, that may have
    // been more than the browser's element: not counted, and logged.
    side.queue(endedAsStarted(tag, index, op, fault));
  }

  /** A content edit the rewriter makes by itself: followed to its end tag (apart from applyAt: no closure there). */
  function followNativeEdit(selector: string, tag: string, index: number, op: Op, side: Side) {
    const fault = side.fault;
    // Followed to its end tag for what is left open inside it there (see the finisher).
    const edit: NativeEdit = {
      index,
      op: op.op,
      tag,
      fault,
      // From the next page view on, edited step by step, which can skip it without a trace.
      stepwise: () => subjects.noteStepwise(selector),
    };
    nativeOpen.push(edit);
    const closed = () => {
      const at = nativeOpen.lastIndexOf(edit);
      if (at >= 0) nativeOpen.splice(at, 1);
    };
    // The same check at its end as any content edit the rewriter makes (endedAsStarted), once it is no longer open.
    const ended = endedAsStarted(tag, index, op, fault);
    side.queue({
      atEnd(end) {
        closed();
        ended.atEnd(end);
      },
      withoutEndTag: closed,
      atDocumentEnd: closed,
    });
  }

  /** End-op closures that put content inside the element (append): a later content op replaces it. */
  const putInside = new WeakSet<object>();

  /** The last content op on this element, made first: if the rewriter refuses it, nothing of the element is removed. */
  function stepwiseContent(element: StreamedElement, tag: string, side: Side) {
    const pending = side.pending;
    if (!pending) return;
    side.pending = undefined;
    if (!side.done(pending.index)) startContentEdit(element, tag, pending, side);
  }

  /** Made once per content edit, apart from stepwiseContent (called for every element) so that has no closure. */
  function startContentEdit(
    element: StreamedElement,
    tag: string,
    pending: NonNullable<Side["pending"]>,
    { fault, writes }: Side,
  ) {
    try {
      // Nothing is removed from an element the rewriter refuses to write at (a fault it raises here costs the op).
      if (pending.takes) element.before("", HTML);
      else element.prepend("", HTML);
      // The new content is written where the element ends, once the parser is known to end it there too.
      pending.watch.content = createContentEdit(
        element,
        tag,
        pending.html ?? "",
        pending.takes,
        writes,
        (why) => fault(pending.index, new OpSkipped(`${pending.op}: ${why}`)),
      );
      if (pending.takes) {
        element.removeAndKeepContent();
        pending.watch.removedTags = true;
      }
      pending.watch.erasing = true;
    } catch (error) {
      fault(pending.index, error);
    }
  }

  /** Content and end edits of an element whose end tag HTML may imply: see extent-watch.ts. */
  function applyStepwise(
    selector: string,
    tag: string,
    index: number,
    op: Op,
    placement: string,
    ancestors: string[],
    side: Side,
  ) {
    const { fault, done } = side;
    const content = insertedHtml(op, data);
    if (content === undefined && op.op !== "remove") return;
    const around = subjects.watchesAround(selector);
    const endsAround = () => subjects.noteEndsAround(selector);
    const watch = side.watches.watchFor(tag, side.queue, {
      inside: extents.get(selector)?.openChildrenWatched,
      openChild: (child) => subjects.noteOpenChild(selector, child),
      ancestorsWatched: around,
      endsAround,
    });
    // Another selector's ops on the same element share its watch: what is around the element is known if either
    // watched it, and both learn what a start tag inside it may end.
    if (around) {
      watch.ancestors = ancestors;
      watch.ancestorsWatched = true;
    }
    if (watch.endsAround !== endsAround) {
      const earlier = watch.endsAround;
      watch.endsAround = () => {
        earlier();
        endsAround();
      };
    }
    const inserted = html(content ?? "");
    if (placement === "end") {
      const after = placesAfter(op);
      const close = (place: Parameters<(typeof watch.atClose)[number]>[0]) => {
        if (done(index)) return;
        if (place.lost) fault(index, new OpSkipped(`${op.op} on <${tag}>: ${place.lost}`));
        else if (!after) place.before(inserted);
        else if (place.after) place.after(inserted);
        else fault(index, new OpSkipped(`nothing can be put right after <${tag}>: its end tag is implied`));
      };
      if (!after) putInside.add(close);
      watch.atClose.push(close);
      return;
    }
    // Made once the element's handlers have all run (stepwiseContent), so a later content op replaces an earlier one
    // as in the DOM, and what an earlier op was to put at the element's end goes with the content it ends (what it
    // was to put after the element stays).
    const kept = watch.atClose.filter((close) => !putInside.has(close));
    watch.atClose.splice(0, watch.atClose.length, ...kept);
    side.pending = {
      index,
      op: op.op,
      html: content === undefined ? undefined : inserted,
      takes: takesElement(op),
      watch,
    };
  }

  // One JS call per element inside a watched one. Its start tag is shown to the watches by each of its handlers: an op
  // handler (so a start tag that ends a watched element is seen before an op on it runs) and the finisher, which is
  // registered for every element a watch follows (descendantsOf) and so always runs after; only there are end tasks
  // queued, so none is queued for an element whose end tag nobody takes. Showing a start tag twice changes nothing
  // (what it ends is ended once). A flag for "already shown" cannot be kept: an element matched by an op selector the
  // finisher does not take never clears it, and the next element would not be shown.
  function showToWatches(element: StreamedElement, tag: string, shadow: StreamedElement | undefined) {
    watches.starts(element, tag);
    if (dry && shadow) dry.watches.starts(shadow, tag);
  }

  /** The selector's experiments are counted in no arm on this page, and their ops are skipped from here on. */
  function refuseEverywhere(actions: Action[], why: string) {
    for (const { decision, op, dry } of actions) {
      refused[decision] = true;
      if (op && !dry) fault(decision, new OpSkipped(why));
    }
  }

  /**
   * A formatting element matched by its parents, ancestors or position: if the parser clones it (formatting-clones.ts),
   * the clone carries what an attribute op gave it where the browser's selector may not match, or match where
   * lol-html did not. Known at its end: ended by another element's end tag (reconstructed around what follows), with a
   * `<p>` or item left open right inside it (adopted out of it, with a clone inside), or on a page whose nesting
   * lol-html no longer follows (`<b class=t><em><p></em></b>`: the `<p>` the `</em>` left open is adopted at `</b>`).
   */
  function cloneCheck(selector: string, actions: Action[], tag: string): EndTask {
    return {
      atEnd(end) {
        // After a desynchronising misnesting inside it (reopening), lol-html's end is not the parser's either.
        if (end.name === tag && end.key !== adoptedAt && !reopening) return;
        refuseEverywhere(
          actions,
          `selector ${JSON.stringify(selector)} depends on parents, ancestors or positions, and the browser clones it elsewhere (<${tag}> left open at </${end.name}>)`,
        );
      },
      withoutEndTag() {},
      atDocumentEnd() {},
    };
  }
  /** The end tag (its key) at which a `<p>` or item right inside a formatting element was still open. */
  let adoptedAt = "";

  /**
   * The handler of an op selector. What depends only on the selector and its actions is worked out once per page
   * view, here, not at each element it matches.
   */
  function onMatchFor(selector: string, actions: Action[]) {
    // Content put at the element's start before a content edit of it is replaced by that edit, as in the DOM.
    const replaced = actions.findLastIndex(
      (action) => !action.dry && action.op !== undefined && placementOf(action.op) === "extent",
    );
    const structural = runWatchSelectors(selector).length > 0;
    const checksClones = clonable.has(selector);
    return (element: StreamedElement) =>
      onMatch(element, selector, actions, replaced, structural, checksClones);
  }

  function onMatch(
    element: StreamedElement,
    selector: string,
    actions: Action[],
    replaced: number,
    structural: boolean,
    checksClones: boolean,
  ) {
    const tag = element.tagName.toLowerCase();
    // Set by the handlers registered before this one, for this element only.
    let parent: ImpliedParent | undefined;
    if (impliedParents.size > 0) {
      parent = impliedParents.get(selector);
      impliedParents.delete(selector);
    }
    let ancestors: string[] = NONE;
    if (impliedAncestors.size > 0) {
      ancestors = impliedAncestors.get(selector) ?? NONE;
      impliedAncestors.delete(selector);
    }
    let ends: string | undefined;
    if (closedThrough.size > 0) {
      const through = closedThrough.get(selector);
      closedThrough.delete(selector);
      if (through !== undefined && closesImplicitly(through, tag, NONE)) ends = through;
    }
    const adopted = adoptable.size > 0 && adoptable.delete(selector) && ADOPTABLE.has(tag);
    // An unclosed item, term or cell around an element whose content the rewriter would edit by itself: a start tag
    // inside may end it, and the element with it, where lol-html goes on. Skipped here, edited stepwise from the next
    // page view on.
    const around = nativeContent.has(selector) ? endableAround(ancestors, tag) : undefined;
    if (around !== undefined) subjects.noteStepwise(selector);
    const shadow = dry ? dryElement(element) : undefined;
    showToWatches(element, tag, shadow);
    if (!reachable(context, tag)) return;
    subjects.note(selector, tag);
    if (unfollowed(context, tag)) return refuseEverywhere(actions, unfollowedSingleton(selector, tag));
    if (checksClones && FORMATTING.has(tag)) endTasks.queue(cloneCheck(selector, actions, tag));
    const page = { ends, adopted, reopening, structural, around };
    let misnested: ((op: Op) => string | undefined) | undefined;
    for (let at = 0; at < actions.length; at++) {
      const { decision: index, op, dry: isDry } = actions[at] as Action;
      const side = isDry && dry ? dry : real;
      if (!op) {
        // Only the exposure watches count: they are the same in every arm, so the arms are counted alike.
        matched[index] = true;
        misnested ??= misnestingOf(tag, page);
        if (refusedOnAnyArm(index, selector, tag, parent, misnested)) refused[index] = true;
        continue;
      }
      if (side.done(index) || op.op === "addStyle" || side.watches.erasing()) continue;
      if (at < replaced && placementOf(op) === "start" && !writesBeforeStartTag(op)) continue;
      try {
        const why = misnesting(op, tag, page);
        if (why) {
          side.fault(index, new OpSkipped(why));
          continue;
        }
        const target = side === real ? element : (shadow as StreamedElement);
        applyAt(target, selector, tag, index, op, parent, ancestors, side);
      } catch (error) {
        side.fault(index, error);
      }
    }
  }

  let rewriter: RewriterLike = createRewriter();
  const endSelectors = contextTags(
    plan.map(({ selector }) => selector),
    styles.placed ? context.followed : new Set([...context.followed, "head", "body"]),
  );
  const registered: Array<{ selector: string; actions: Action[]; content: boolean }> = [];
  // Extent selectors and what their watches must see inside them: all shown to the finisher.
  const extents = new Map<
    string,
    {
      actions: SelectorPlan["actions"];
      inside: string;
      /** The implied-end children whose inside is watched; undefined: all of them. */
      openChildrenWatched: ReadonlySet<string> | undefined;
    }
  >();
  // Selectors whose formatting-element subjects are followed to their end, in every arm (cloneCheck).
  const clonable = new Set(plan.flatMap(({ selector }) => (clonesMatter(selector) ? [selector] : [])));
  const refuseSelector = (selector: string, actions: SelectorPlan["actions"], error: unknown) => {
    for (const { decision } of actions)
      fault(decision, new Error(`selector ${JSON.stringify(selector)}: ${message(error)}`));
  };
  for (const { selector, actions } of plan) {
    // A style is placed by the renderer (createStylePlacement): its `head` is not looked for unless something else is.
    if (actions.every(({ op }) => op?.op === "addStyle")) continue;
    // addStyle is placed by the renderer (createStylePlacement), not at its selector's end.
    const extent = actions.some(
      ({ op }) =>
        op && op.op !== "addStyle" && placementOf(op) !== "attribute" && placementOf(op) !== "start",
    );
    const content = actions.some(({ op }) => op && placementOf(op) === "extent");
    if (!extent) {
      registered.push({ selector, actions, content: false });
      continue;
    }
    // Content edits alone (no end edit in any arm) on elements the rewriter edits by itself: only what would make
    // the parser ignore their end tag is watched inside (nativeContentOf), and no text.
    const native =
      content &&
      !actions.some(({ op }) => op && op.op !== "addStyle" && placementOf(op) === "end") &&
      nativeContentOf(selector, subjects.known(selector));
    if (native) nativeContent.add(selector);
    // What an extent op's watch needs to see inside the element: it is shown those elements by the finisher (or by
    // an op handler that runs first), see showToWatches. Text is removed only by a real edit: a dry one needs none.
    registered.push({
      selector,
      actions,
      content: !native && actions.some(({ op, dry }) => !dry && op && placementOf(op) === "extent"),
    });
    extents.set(selector, {
      actions,
      inside: native
        ? nativeEditWatches(selector)
        : descendantsOf(selector, content, subjects.known(selector)),
      openChildrenWatched: content ? undefined : subjects.known(selector)?.children,
    });
  }
  // Registered before the op handlers, on subsets of their selectors: which implied-end element lol-html has as the
  // parent of an element that an op (in any arm) writes before, read by the op handler that runs next.
  const impliedParents = new Map<string, ImpliedParent>();
  for (const { selector } of registered) {
    if (!refusedOnAnyArm.writesBefore(selector)) continue;
    for (const { mark, selector: parents } of impliedParentSelectors(selector))
      try {
        rewriter = rewriter.on(parents, {
          element() {
            const known = impliedParents.get(selector);
            impliedParents.set(
              selector,
              known?.tag === mark.tag ? { ...known, ...mark, first: known.first || mark.first } : mark,
            );
          },
        });
      } catch {
        // The op's own selector is refused too (and faulted below), or this form of it is: no parent is known.
      }
  }
  // Also before the op handlers: the unclosed implied-end elements lol-html has around an element whose extent an op
  // edits, which a start tag inside the element may end, and the element with them (extent-watch.ts).
  const impliedAncestors = new Map<string, string[]>();
  for (const selector of extents.keys()) {
    // Only where earlier page views saw a start tag inside a subject that may end them (subject-tags.ts), and around
    // every element whose content the rewriter edits by itself (nothing inside it is watched).
    if (!subjects.watchesAround(selector) && !nativeContent.has(selector)) continue;
    for (const { tag, selector: around } of impliedAncestorSelectors(selector))
      try {
        rewriter = rewriter.on(around, {
          element() {
            impliedAncestors.set(selector, [...(impliedAncestors.get(selector) ?? []), tag]);
          },
        });
      } catch {
        // The op's own selector is refused too, and faulted below.
      }
  }
  // Also before the op handlers, for selectors some arm puts content at or removes: an element whose start tag ends
  // the unclosed <p> or <li> it is in through a phrasing element lol-html keeps open (implied-ancestors.ts).
  const closedThrough = new Map<string, string>();
  for (const { selector } of registered) {
    if (!refusedOnAnyArm.writesBefore(selector)) continue;
    for (const { tag, selector: list } of closedThroughSelectors(selector))
      try {
        rewriter = rewriter.on(list, {
          element() {
            closedThrough.set(selector, tag);
          },
        });
      } catch {
        // The op's own selector is refused too, and faulted below.
      }
  }
  // Also before the op handlers, for the same selectors: a <p> or item right inside a formatting element.
  const adoptable = new Set<string>();
  for (const { selector } of registered) {
    const list = refusedOnAnyArm.atStart(selector) ? adoptableSelectors(selector) : "";
    if (list === "") continue;
    try {
      rewriter = rewriter.on(list, {
        element() {
          adoptable.add(selector);
        },
      });
    } catch {
      // The op's own selector is refused too, and faulted below.
    }
  }
  // And a start tag that ends a <p> through a formatting element, after which the parser reopens that element around
  // content lol-html does not know of: from there on, content is not placed (in any arm), and what open watches were
  // to place is skipped.
  let reopening: string | undefined;
  // Also watched for the same pages (by the finisher): a <p> left open in a <span> or <b> at its end tag.
  const desyncWatched =
    clonable.size > 0 ||
    registered.some(
      ({ selector }) => refusedOnAnyArm.beyondAttributes(selector) || runWatchSelectors(selector).length > 0,
    );
  if (desyncWatched)
    rewriter = rewriter.on(FORMATTING_IN_P, {
      element(element) {
        const tag = element.tagName.toLowerCase();
        if (reopening || !closesImplicitly("p", tag, []) || !reachable(context, tag)) return;
        reopening = `a <${tag}> at or before it on the page ends a <p> through a formatting element, which the browser reopens around later content`;
        watches.abandonAll(element, reopening);
        dry?.watches.abandonAll(dryElement(element), reopening);
      },
    });
  // Also before the op handlers: a structural selector on a page with an unclosed run of its elements is matched
  // against lol-html's nesting, not the parser's, so its experiments are not applied or counted there (every arm).
  for (const { selector, actions } of registered)
    for (const { tag: parent, selector: runs } of runWatchSelectors(selector))
      try {
        rewriter = rewriter.on(runs, {
          element(element) {
            const tag = element.tagName.toLowerCase();
            const misread = parent === ADOPTED ? ADOPTABLE.has(tag) : closesImplicitly(parent, tag, []);
            if (!misread || !reachable(context, tag)) return;
            for (const { decision, op, dry } of actions) {
              refused[decision] = true;
              if (op && !dry)
                fault(
                  decision,
                  new OpSkipped(
                    `selector ${JSON.stringify(selector)} depends on ancestors, parents or positions, and the page has a <${tag}> ${parent === ADOPTED ? "right inside a formatting element, which the browser moves it out of if it is open at that element's end tag" : `right after an unclosed <${parent}>, which the rewriter nests inside it`}: what it matches there is not what the browser's selector matches`,
                  ),
                );
            }
          },
        });
      } catch {
        // The op's own selector is refused too, and faulted below.
      }
  for (const { selector, actions, content } of registered) {
    try {
      rewriter = rewriter.on(selector, {
        element: onMatchFor(selector, actions),
        ...(content
          ? { text: watches.removable, comments: (comment) => watches.removable(comment, true) }
          : {}),
      });
    } catch (error) {
      refuseSelector(selector, actions, error);
      extents.delete(selector);
      clonable.delete(selector);
    }
  }
  /** A `<p>` or item: left open at a phrasing element's end tag, it desynchronises what follows (see `reopening`). */
  function desyncCheck(tag: string, shadow: StreamedElement | undefined): EndTask {
    return {
      atEnd(end) {
        if (FORMATTING.has(end.name)) adoptedAt = end.key;
        if (reopening || !PHRASING_END.has(end.name)) return;
        reopening = `a <${tag}> inside a <${end.name}> is still open at </${end.name}>, which the browser ignores or moves the <${tag}> out at: it nests what follows differently`;
        watches.abandonAll(end, reopening);
        if (dry && shadow) dry.watches.abandonAll(shadow, reopening);
      },
      withoutEndTag() {},
      atDocumentEnd() {},
    };
  }
  // Registered last, so it runs after every other handler of an element: it hands over their end-tag work and only
  // then opens a template or SVG, so the element itself still counts as outside.
  const finisher = {
    element(element: StreamedElement) {
      const tag = element.tagName.toLowerCase();
      // One read-only wrapper per element for the dry side, made only when a dry run is on the page.
      const shadow = dry ? dryElement(element) : undefined;
      showToWatches(element, tag, shadow);
      watches.descendant(element, tag, endTasks.queue);
      if (dry && shadow) dry.watches.descendant(shadow, tag, dry.queue);
      if (desyncWatched && (tag === "p" || tag === "li")) endTasks.queue(desyncCheck(tag, shadow));
      stepwiseContent(element, tag, real);
      if (dry && shadow) stepwiseContent(shadow, tag, dry);
      if (nativeOpen.length > 0 && (SCOPE_BOUNDARY.has(tag) || FORMATTING.has(tag)))
        endTasks.queue(leftOpenCheck(tag, [...nativeOpen]));
      if (context.inert === 0 && context.foreign === 0) styles.at(element, tag, endTasks.queue);
      const leave = enterElement(context, tag);
      endTasks.attach(
        element,
        tag,
        leave ? { atEnd: leave, withoutEndTag: leave, atDocumentEnd: () => {} } : undefined,
      );
      watches.elementDone();
      dry?.watches.elementDone();
    },
  };
  const finisherSelectors = () => {
    let list = endSelectors.join(", ");
    for (const [selector, { inside }] of extents) list += `, ${selector}, ${inside}`;
    if (desyncWatched) list += `, ${BLOCK_IN_PHRASING}`;
    for (const selector of clonable) list += `, ${selector}`;
    return list;
  };
  try {
    rewriter = rewriter.on(finisherSelectors(), finisher);
  } catch {
    // The engine accepted each selector but refuses a descendant list built from one (found by trying each on a
    // spare rewriter, only on this path): that selector's experiments are faulted, and the page is served with the
    // rest, as when an op's own selector is refused.
    for (const [selector, { actions, inside }] of extents)
      try {
        createRewriter().on(inside, { element() {} });
      } catch (error) {
        refuseSelector(selector, actions, error);
        extents.delete(selector);
      }
    rewriter = rewriter.on(finisherSelectors(), finisher);
  }
  rewriter = rewriter.onDocument({
    end(end) {
      endTasks.finishDocument(end);
      styles.finish(end);
      for (const place of atDocumentEnd) place(end);
      finish();
    },
  });
  const served = transformInPageEncoding(
    response,
    (input, encoding) => {
      ascii = encoding.undeclared;
      legacy = !isUtf8Label(encoding.label);
      return rewriter.transform(input);
    },
    (why) => {
      decisions.forEach((_, index) => {
        fault(index, new OpSkipped(why));
      });
      finish();
    },
  );
  return { response: served, outcome };
}

/**
 * An extent op applied at once (on a void element, or ahead of its content): if lol-html's end of the element is not
 * its own end tag, the edit may have reached past the browser's element, so it is not counted.
 */
function endedAsStarted(tag: string, index: number, op: Op, fault: Side["fault"]): EndTask {
  return {
    atEnd(end) {
      if (end.name !== tag && !ENDS_WITH_DOCUMENT.has(tag))
        fault(
          index,
          new OpSkipped(`<${tag}> was ended by </${end.name}>: the ${op.op} may have reached past it`),
        );
    },
    withoutEndTag() {},
    atDocumentEnd() {},
  };
}

/** The first of the unclosed implied-end `ancestors` that a `<tag>` start tag does not end (it is inside that one). */
function endableAround(ancestors: readonly string[], tag: string): string | undefined {
  for (const ancestor of ancestors) if (!closesImplicitly(ancestor, tag, NONE)) return ancestor;
  return undefined;
}

/** misnesting for one element, as refusalsByArm asks it; made apart from onMatch so that has no closure. */
function misnestingOf(tag: string, page: Parameters<typeof misnesting>[2]) {
  return (op: Op) => misnesting(op, tag, page);
}

/**
 * Why `op` would put content where the browser does not have its element, on a page whose nesting lol-html reads
 * differently around it (attribute ops are always safe):
 * - `reopening`: earlier on the page, a start tag ended a `<p>` through a formatting element the parser reopens, or a
 *   `<p>` was left open at a phrasing element's end tag (also refuses attribute ops of selectors on parents,
 *   ancestors or positions);
 * - `ends`: the element's start tag ends the unclosed `<p>` or item it is in through a phrasing element: content
 *   before it, or its removal, lands inside them; content inside it too if that is a formatting element;
 * - `adopted`: a `<p>` (an item) right inside a formatting element: if it is still open at that element's end tag, the
 *   parser moves it out and what is inside it into a clone, so content put at its start would not stay there.
 */
function misnesting(
  op: Op,
  tag: string,
  page: {
    ends: string | undefined;
    adopted: boolean;
    reopening: string | undefined;
    structural: boolean;
    around: string | undefined;
  },
): string | undefined {
  const placement = placementOf(op);
  if (page.around !== undefined && placement === "extent" && !VOID.has(tag))
    return `${op.op} on <${tag}>: it is inside an unclosed <${page.around}> (as the rewriter nests it), which a start tag inside it may end; its content is edited step by step from the next page view on`;
  // After a misnesting, lol-html's parents, ancestors and positions are not the browser's either.
  if (page.reopening && page.structural && op.op !== "addStyle")
    return `${op.op} on <${tag}>: ${page.reopening}`;
  if (placement === "attribute" || op.op === "addStyle") return undefined;
  if (page.reopening) return `${op.op} on <${tag}>: ${page.reopening}`;
  if (page.ends && writesBeforeStartTag(op))
    return `${op.op} on <${tag}>: its start tag ends the unclosed <${page.ends}> it is in, and the <span> between, which the rewriter keeps open around it: content before it would not land where the browser has it`;
  if (page.adopted && placement === "start")
    return `${op.op} on <${tag}> right inside a formatting element: the browser moves it out of that element if its end tag comes first, and content put at its start with it`;
  return undefined;
}

/**
 * `addStyle` adds CSS, which applies wherever the `<style>` lands: at the end of `<head>` when its end tag is there,
 * else before `<body>`, else at the end of the page. It is counted once placed.
 */
function createStylePlacement(decisions: readonly Decision[], html: (content: string) => string) {
  let css = "";
  for (const { variant } of decisions) css += stylesOf(variant);
  let placed = css === "";
  const take = () => {
    placed = true;
    return html(css);
  };
  return {
    /** Is there nothing to place (yet)? Then `head` and `body` need not be followed for it. */
    get placed() {
      return placed;
    },
    at(element: StreamedElement, tag: string, queue: (task: EndTask) => void) {
      if (placed) return;
      if (tag === "body") element.before(take(), HTML);
      else if (tag === "head")
        queue({
          atEnd: (end) => {
            if (!placed && end.name === "head") end.before(take(), HTML);
          },
          withoutEndTag: () => {},
          atDocumentEnd: () => {},
        });
    },
    finish(end: RewriterDocumentEnd) {
      if (!placed) end.append(take(), HTML);
    },
  };
}

/** A variant's `<style>` elements, one per addStyle op: the same for every page view while an isolate keeps its rules. */
const stylesByVariant = new WeakMap<Decision["variant"], string>();
function stylesOf(variant: Decision["variant"]): string {
  let styles = stylesByVariant.get(variant);
  if (styles === undefined) {
    styles = variant.ops.flatMap((op) => (op.op === "addStyle" ? [styleElement(op.css)] : [])).join("");
    stylesByVariant.set(variant, styles);
  }
  return styles;
}

/**
 * Per decision, whether an exposure watch on `selector` matched an element that some arm's op on the same selector
 * would be refused on: then no arm is counted on this page, not only the arm whose op was skipped.
 */
function refusalsByArm(
  decisions: readonly Decision[],
  subjects: SubjectTags,
  nativeContent: ReadonlySet<string>,
) {
  const opsBySelector = decisions.map(({ compiled }) => opsOf(compiled));
  const kindsByDecision = decisions.map(({ compiled }) => kindsOf(compiled));
  const refused = (
    op: Op,
    selector: string,
    tag: string,
    parent: ImpliedParent | undefined,
    misnested: (op: Op) => string | undefined,
  ) =>
    refusal(op, tag) !== undefined ||
    unwatchedSubject(subjects, selector, op, tag, nativeContent) !== undefined ||
    (writesBeforeStartTag(op) && closingBefore(parent, tag).ambiguous !== undefined) ||
    misnested(op) !== undefined;
  /** Per selector, what its ops in any arm do: asked for each registration of the page view, so kept per view. */
  const kinds = new Map<string, OpKind>();
  const kindOf = (selector: string) => {
    let kind = kinds.get(selector);
    if (!kind) {
      kind = NO_OPS;
      for (const bySelector of kindsByDecision) {
        const more = bySelector.get(selector);
        if (more)
          kind = {
            beyondAttributes: kind.beyondAttributes || more.beyondAttributes,
            atStart: kind.atStart || more.atStart,
            writesBefore: kind.writesBefore || more.writesBefore,
          };
      }
      kinds.set(selector, kind);
    }
    return kind;
  };
  return Object.assign(
    (
      index: number,
      selector: string,
      tag: string,
      parent: ImpliedParent | undefined,
      /** Why an op would be skipped because the page misnests the element (misnesting). */
      misnested: (op: Op) => string | undefined,
    ) =>
      (opsBySelector[index]?.get(selector) ?? []).some((op) => refused(op, selector, tag, parent, misnested)),
    {
      /** Does an op on `selector`, in some arm, do more than change attributes? */
      beyondAttributes: (selector: string) => kindOf(selector).beyondAttributes,
      /** Does an op on `selector`, in some arm, put content at its element's start tag? */
      atStart: (selector: string) => kindOf(selector).atStart,
      /** Does an op on `selector`, in some arm, write before its element's start tag? */
      writesBefore: (selector: string) => kindOf(selector).writesBefore,
    },
  );
}

/** What an experiment's ops on a selector do, in any arm (see refusalsByArm). */
interface OpKind {
  beyondAttributes: boolean;
  atStart: boolean;
  writesBefore: boolean;
}
const NO_OPS: OpKind = { beyondAttributes: false, atStart: false, writesBefore: false };

const kindsByExperiment = new WeakMap<CompiledExperiment, Map<string, OpKind>>();
function kindsOf(compiled: CompiledExperiment): Map<string, OpKind> {
  let bySelector = kindsByExperiment.get(compiled);
  if (!bySelector) {
    bySelector = new Map();
    for (const [selector, ops] of opsOf(compiled))
      bySelector.set(selector, {
        beyondAttributes: ops.some((op) => op.op !== "addStyle" && placementOf(op) !== "attribute"),
        atStart: ops.some((op) => placementOf(op) === "start"),
        writesBefore: ops.some(writesBeforeStartTag),
      });
    kindsByExperiment.set(compiled, bySelector);
  }
  return bySelector;
}

/** Every arm's ops of an experiment by selector: the same for every page view while an isolate keeps its rules. */
const opsByExperiment = new WeakMap<CompiledExperiment, Map<string, Op[]>>();
function opsOf(compiled: CompiledExperiment): Map<string, Op[]> {
  let bySelector = opsByExperiment.get(compiled);
  if (!bySelector) {
    bySelector = new Map<string, Op[]>();
    for (const variant of compiled.experiment.variants)
      for (const op of variant.ops) {
        const selector = opSelector(op);
        if (selector) bySelector.set(selector, [...(bySelector.get(selector) ?? []), op]);
      }
    opsByExperiment.set(compiled, bySelector);
  }
  return bySelector;
}

/** Why the ops of `selector` are skipped at a singleton (see page-context.ts's `unfollowed`). */
function unfollowedSingleton(selector: string, tag: string): string {
  return `${JSON.stringify(selector)} matched only other elements than <${tag}> on earlier page views, so whether this <${tag}> is the document's was not followed; it is from the next page view on`;
}

/**
 * Why an end op is skipped on an element whose subject's closer-aware tag this page view does not watch inside (see
 * subject-tags.ts), or a content edit on an element the rewriter cannot edit by itself where this page view watches
 * nothing inside (nativeContentOf); undefined when it is watched.
 */
function unwatchedSubject(
  subjects: SubjectTags,
  selector: string,
  op: Op,
  tag: string,
  nativeContent: ReadonlySet<string>,
): string | undefined {
  if (op.op === "addStyle") return undefined;
  if (
    placementOf(op) === "extent" &&
    nativeContent.has(selector) &&
    !VOID.has(tag) &&
    !NATIVE_EXTENT.has(tag)
  )
    return `${op.op} on <${tag}>: ${JSON.stringify(selector)} matched only elements whose content the rewriter edits by itself on earlier page views, so what is inside this <${tag}> (where the parser may end it) was not watched; it is applied from the next page view on`;
  if (placementOf(op) !== "end" || !subjects.unwatched(selector, tag)) return undefined;
  return `${op.op} on <${tag}>: ${JSON.stringify(selector)} matched only other elements on earlier page views, so what is inside this <${tag}> (where the parser may end it) was not watched; it is applied from the next page view on`;
}

/** A content edit the rewriter is making by itself, until its element's end tag. */
interface NativeEdit {
  index: number;
  op: string;
  tag: string;
  fault(index: number, error: unknown): void;
  stepwise(): void;
}

/**
 * A scope boundary (a `<table>`, `<select>`, `<template>`…) or a formatting element inside elements whose content the
 * rewriter is removing, ended by lol-html at another element's end tag: the parser ignored that end tag and the element
 * ran on past where lol-html stopped removing, or it reopens the formatting element around what follows the edited
 * element. The removal cannot be taken back, so those edits are not counted and are logged, and their selectors are
 * edited step by step (which skips such a page without a trace) from the next page view on.
 */
function leftOpenCheck(tag: string, around: readonly NativeEdit[]): EndTask {
  const why = FORMATTING.has(tag)
    ? "the browser reopens it around what follows the element"
    : "where the browser ignores that end tag and the element runs on";
  return {
    atEnd(end) {
      if (end.name === tag) return;
      for (const edit of around) {
        edit.stepwise();
        edit.fault(
          edit.index,
          new OpSkipped(
            `${edit.op} on <${edit.tag}>: a <${tag}> inside it is still open at </${end.name}>, ${why}; it was removed with the content`,
          ),
        );
      }
    },
    withoutEndTag() {},
    atDocumentEnd() {},
  };
}
