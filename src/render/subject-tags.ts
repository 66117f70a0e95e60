import { createBoundedCache } from "../core/cache/bounded-cache.ts";
import type { CompiledExperiment } from "../core/decide/compile.ts";
import { splitList } from "../core/html/selector.ts";
import type { SelectorPlan } from "../core/page-view/edit-plan.ts";
import { editedSelectors } from "../core/schema/ops.ts";
import { hasUntypedSubject, lastCompound, typeOf, type WatchedInside } from "./descendant-selectors.ts";
import { CLOSER_AWARE, NATIVE_EXTENT, SINGLETON, VOID } from "./html-facts.ts";

/**
 * What a selector's subjects turned out to be on earlier page views under the same compiled rules, so an end edit
 * (append, insertAfter) watches inside them only what those pages needed. Watching is paid per page view in
 * selectors the rewriter compiles and tests against every element:
 * - `tags`: the closer-aware tags (`p`, `li`, headings…) the subjects had. A subject named without a tag (`#d`,
 *   `.promo`) could be any of 19, each needing its own `p#d *`-style selector, a root tested against every element
 *   of the page;
 *   The document singletons (`html`, `head`, `body`, `title`) a subject was are kept here too: the renderer follows
 *   a singleton only where a selector may match one (see singletonSubjects);
 * - `children`: the tags of implied-end children (`p`, `li`, `dd`…) that were still open at the subject's end tag.
 *   Every such child is watched (`S > p`) and its end tag seen; what is inside it (`S > p *`) only matters when its
 *   own end tag is missing, and is watched only for the tags seen so.
 * A page view where a subject turns out to need more skips the edit (nothing is written, nobody counted: in every arm
 * for a tag, in the variant for a child, like any child left open in a way the watch cannot follow) and learns it for
 * the next one. Kept on the compiled experiment, so new rules start from watching everything.
 */
interface Learned extends WatchedInside {
  endsAround: boolean;
  stepwise: boolean;
}

/** Each entry's sets are replaced, never changed, so a page view's snapshot stays as it was when read. */
const learned = new WeakMap<CompiledExperiment, Map<string, Learned>>();

export interface SubjectTags {
  /** What `selector`'s subjects needed, as known when the page view began; undefined: not yet seen. */
  known(selector: string): Learned | undefined;
  /**
   * Is `tag` a closer-aware tag that the watches of this page view might not follow inside a subject of `selector`
   * (one that names no tag, seen before only with other tags)?
   */
  unwatched(selector: string, tag: string): boolean;
  /** Notes an element `selector` matched, for the page views after this one. */
  note(selector: string, tag: string): void;
  /** Notes a child of `selector`'s subject whose end tag was missing, for the page views after this one. */
  noteOpenChild(selector: string, tag: string): void;
  /** Does this page view watch the unclosed `<p>`/`<li>` elements around `selector`'s subjects? */
  watchesAround(selector: string): boolean;
  /** Notes a start tag inside a subject that may end an unclosed `<p>`/`<li>` around it. */
  noteEndsAround(selector: string): void;
  /** Notes a subject whose content must be edited step by step (inside an unclosed item, term or cell) and around. */
  noteStepwise(selector: string): void;
}

/** A subject whose content edits the rewriter cannot make by itself (descendant-selectors.ts, nativeContentOf). */
const editedStepwise = (tag: string) => !NATIVE_EXTENT.has(tag) && !VOID.has(tag);

export function subjectTagsFor(
  plan: readonly SelectorPlan[],
  experimentOf: (decision: number) => CompiledExperiment,
): SubjectTags {
  const actionsOf = new Map(plan.map(({ selector, actions }) => [selector, actions]));
  const ownersOf = new Map<string, CompiledExperiment[]>();
  const owners = (selector: string) => {
    let found = ownersOf.get(selector);
    if (!found) {
      found = [];
      for (const { decision } of actionsOf.get(selector) ?? []) {
        const owner = experimentOf(decision);
        if (!found.includes(owner)) found.push(owner);
      }
      ownersOf.set(selector, found);
    }
    return found;
  };
  // Read on first use in this page view (most selectors never need it), and fixed from then on.
  const seenAtStart = new Map<string, Learned | undefined>();
  const atStart = {
    get(selector: string): Learned | undefined {
      if (!seenAtStart.has(selector))
        seenAtStart.set(selector, union(owners(selector).map((owner) => learned.get(owner)?.get(selector))));
      return seenAtStart.get(selector);
    },
  };
  /** Adds what was seen to every owner's entry for `selector`, creating it on first sight. */
  const learn = (
    selector: string,
    seen: { tag?: string; child?: string; endsAround?: boolean; stepwise?: boolean },
  ) => {
    for (const owner of owners(selector)) {
      const bySelector = learned.get(owner) ?? new Map<string, Learned>();
      learned.set(owner, bySelector);
      const entry = bySelector.get(selector) ?? NOTHING;
      const { tag, child, endsAround, stepwise } = seen;
      bySelector.set(selector, {
        tags: tag && keptTag(tag) && !entry.tags.has(tag) ? new Set([...entry.tags, tag]) : entry.tags,
        children: child && !entry.children.has(child) ? new Set([...entry.children, child]) : entry.children,
        endsAround: entry.endsAround || endsAround === true,
        stepwise: entry.stepwise || stepwise === true || (tag !== undefined && editedStepwise(tag)),
      });
    }
  };
  return {
    known: (selector) => atStart.get(selector),
    unwatched(selector, tag) {
      const known = atStart.get(selector);
      return (
        known !== undefined && CLOSER_AWARE.has(tag) && !known.tags.has(tag) && hasUntypedSubject(selector)
      );
    },
    note(selector, tag) {
      const known = atStart.get(selector);
      // Nothing new to learn: the usual case once the rules have been seen in use, on every matched element.
      if (known && (!keptTag(tag) || known.tags.has(tag)) && (known.stepwise || !editedStepwise(tag))) return;
      learn(selector, { tag });
    },
    noteOpenChild(selector, tag) {
      learn(selector, { child: tag });
    },
    watchesAround(selector) {
      const known = atStart.get(selector);
      return known === undefined || known.endsAround;
    },
    noteStepwise(selector) {
      // It was inside an unclosed item: the next page view watches what is around it too (watchesAround).
      learn(selector, { stepwise: true, endsAround: true });
    },
    noteEndsAround(selector) {
      if (owners(selector).every((owner) => learned.get(owner)?.get(selector)?.endsAround)) return;
      learn(selector, { endsAround: true });
    },
  };
}

/** The subject tags kept: those whose end is followed, and the document singletons (see singletonSubjects). */
const keptTag = (tag: string) => CLOSER_AWARE.has(tag) || SINGLETON.has(tag);

const NOTHING: Learned = { tags: new Set(), children: new Set(), endsAround: false, stepwise: false };

/** What every owner has seen together; undefined while any owner has not seen the selector yet. */
function union(seen: Array<Learned | undefined>): Learned | undefined {
  if (seen.some((entry) => entry === undefined)) return undefined;
  const all = seen as Learned[];
  if (all.length === 1) return all[0];
  return {
    tags: new Set(all.flatMap((entry) => [...entry.tags])),
    children: new Set(all.flatMap((entry) => [...entry.children])),
    endsAround: all.some((entry) => entry.endsAround),
    stepwise: all.some((entry) => entry.stepwise),
  };
}

/**
 * The document singletons (`html`, `head`, `body`, `title`) that a subject of any selector of these experiments may be
 * on this page view: every arm's op selectors and the exposure watches, so every arm follows the same ones and a
 * selector that meets another is skipped in every arm alike (render.ts). A subject that names a singleton's tag may
 * always be one; a subject named without a tag (`.promo`) may be any until its selector has been seen in use, and
 * from then on only those it was (it is learned at the first page view that meets another, which skips it). Each
 * singleton left out is a root the rewriter no longer tests against every element of the page, and a call.
 */
export function singletonSubjects(experiments: readonly CompiledExperiment[]): ReadonlySet<string> {
  const found = new Set<string>();
  for (const experiment of experiments) {
    const seen = learned.get(experiment);
    for (const selector of selectorsOf(experiment)) {
      const { typed, untyped } = subjectSingletons(selector);
      for (const tag of typed) found.add(tag);
      if (!untyped) continue;
      const tags = seen?.get(selector)?.tags;
      for (const tag of SINGLETON) if (!tags || tags.has(tag)) found.add(tag);
      if (found.size === SINGLETON.size) return found;
    }
  }
  return found;
}

/** Every selector an experiment's page views may register an op or exposure handler on, in any arm. */
const selectorsByExperiment = new WeakMap<CompiledExperiment, readonly string[]>();
function selectorsOf(experiment: CompiledExperiment): readonly string[] {
  let selectors = selectorsByExperiment.get(experiment);
  if (!selectors) {
    selectors = [
      ...new Set([...editedSelectors(experiment.experiment.variants), ...experiment.exposureSelectors]),
    ];
    selectorsByExperiment.set(experiment, selectors);
  }
  return selectors;
}

/** The singleton tags a selector's subjects name, and whether one of them names no tag (`#d`, `*`, `:not(p)`). */
function subjectSingletons(selector: string): { typed: readonly string[]; untyped: boolean } {
  let known = singletonsBySelector.get(selector);
  if (!known) {
    const types = splitList(selector).map((part) => typeOf(lastCompound(part).compound));
    known = {
      typed: types.filter((type): type is string => type !== undefined && SINGLETON.has(type)),
      untyped: types.some((type) => type === undefined),
    };
    singletonsBySelector.set(selector, known);
  }
  return known;
}

const singletonsBySelector = createBoundedCache<{ typed: readonly string[]; untyped: boolean }>(512);
