import type { CompiledExperiment } from "../core/decide/compile.ts";
import type { SelectorPlan } from "../core/page-view/edit-plan.ts";
import { hasUntypedSubject } from "./descendant-selectors.ts";
import { CLOSER_AWARE } from "./html-facts.ts";

/**
 * Per compiled experiment and selector, the closer-aware tags (`p`, `li`, headings…) its elements were seen with on
 * earlier page views; a selector seen only on other elements has an empty set, one never seen has none.
 *
 * An end edit (append, insertAfter) on an element whose end the parser may imply needs every element inside it
 * watched, and for a subject that names no tag (`#d`, `.promo`) that takes one selector per closer-aware tag (`p#d *`,
 * `li#d *`… 19 of them), each tested by the rewriter against every element of the page, on every page view. Once
 * the rules have been seen in use, only the tags the subject really had are watched; a page view where it turns out
 * to be another closer-aware tag skips the edit in every arm (nothing is written and nobody is counted) and the tag is
 * learned for the next one. Kept on the compiled experiment, so new rules start from watching every tag.
 */
const learned = new WeakMap<CompiledExperiment, Map<string, Set<string>>>();

export interface SubjectTags {
  /** The closer-aware tags `selector`'s subjects had, as known when the page view began; undefined: not yet seen. */
  known(selector: string): ReadonlySet<string> | undefined;
  /**
   * Is `tag` a closer-aware tag that the watches of this page view might not follow inside a subject of `selector`
   * (one that names no tag, seen before only with other tags)?
   */
  unwatched(selector: string, tag: string): boolean;
  /** Notes an element `selector` matched, for the page views after this one. */
  note(selector: string, tag: string): void;
}

export function subjectTagsFor(
  plan: readonly SelectorPlan[],
  experimentOf: (decision: number) => CompiledExperiment,
): SubjectTags {
  const experiments = new Map<string, CompiledExperiment[]>();
  const atStart = new Map<string, ReadonlySet<string> | undefined>();
  for (const { selector, actions } of plan) {
    const owners = [...new Set(actions.map(({ decision }) => experimentOf(decision)))];
    experiments.set(selector, owners);
    atStart.set(selector, union(owners.map((owner) => learned.get(owner)?.get(selector))));
  }
  return {
    known: (selector) => atStart.get(selector),
    unwatched(selector, tag) {
      const known = atStart.get(selector);
      return known !== undefined && CLOSER_AWARE.has(tag) && !known.has(tag) && hasUntypedSubject(selector);
    },
    note(selector, tag) {
      for (const owner of experiments.get(selector) ?? []) {
        const bySelector = learned.get(owner) ?? new Map<string, Set<string>>();
        learned.set(owner, bySelector);
        const tags = bySelector.get(selector) ?? new Set<string>();
        bySelector.set(selector, tags);
        if (CLOSER_AWARE.has(tag)) tags.add(tag);
      }
    },
  };
}

/** The tags every owner has seen together; undefined while any owner has not seen the selector yet. */
function union(sets: Array<Set<string> | undefined>): ReadonlySet<string> | undefined {
  if (sets.some((set) => set === undefined)) return undefined;
  return new Set(sets.flatMap((set) => [...(set as Set<string>)]));
}
