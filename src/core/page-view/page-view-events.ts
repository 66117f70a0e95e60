import type { CompiledRules } from "../decide/compile.ts";
import type { Decision } from "../decide/decide.ts";
import type { StylistEvent } from "../schema/event.ts";
import type { Preview } from "../signing/preview.ts";
import type { VisitorContext } from "../visitor/context.ts";
import { urlGoalConversions } from "./conversions.ts";
import { type ExposureOutcome, exposureEvents } from "./exposures.ts";

export interface LoggedView {
  context: VisitorContext;
  rules: CompiledRules;
  /** Named audiences the visitor is in; computed only when an exposure may be logged. */
  segments: () => string[];
}

/** Everything one page view logs: its exposures and sampled misses, then the URL goals it reached. */
export function pageViewEvents(
  view: LoggedView,
  exposed: { decisions: readonly Decision[]; outcome: ExposureOutcome },
  conversions: readonly StylistEvent[],
  newId: () => string,
): StylistEvent[] {
  const segments = exposed.decisions.length > 0 ? view.segments() : [];
  const exposures = exposureEvents(
    view.context,
    exposed.decisions,
    exposed.outcome,
    view.rules.version,
    newId,
    segments,
  );
  return [...exposures, ...conversions];
}

/** The URL goals this page view reached; none for a preview, which is never logged. */
export function reachedGoals(
  view: {
    context: VisitorContext;
    rules: CompiledRules;
    preview: Preview | undefined;
    view?: { product: string | undefined };
  },
  newId: () => string,
): StylistEvent[] {
  return view.preview ? [] : urlGoalConversions(view.context, view.rules, newId, view.view?.product);
}
