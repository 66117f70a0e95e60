import { type CatalogueIndex, moreFromCategory, recentlyViewed } from "./catalogue-index.ts";
import type { CompiledRules } from "./compile.ts";
import type { VisitorContext } from "./context.ts";
import type { CustomerStatus } from "./customer.ts";
import { classifyPage } from "./page-view.ts";
import { observePageView, type Profile } from "./profile.ts";
import type { RenderData } from "./render-data.ts";
import { withCustomer, withProfile } from "./request-context.ts";
import { templateValues } from "./template.ts";

export interface PageVisitInput {
  /** What the request alone says (buildVisitorContext). */
  base: VisitorContext;
  /** The profile the visitor arrived with, if any. */
  previous: Profile | undefined;
  rules: CompiledRules;
  catalogue: CatalogueIndex;
  customer: CustomerStatus;
  now: number;
}

/**
 * This page view folded into what is known of the visitor: the page's type, the updated profile, the context
 * audiences and decisions are evaluated on, and what ops may render from it. The worker and `stylist simulate` both
 * call this, so a simulated visitor is judged exactly as a real one.
 */
export function visitPage({ base, previous, rules, catalogue, customer, now }: PageVisitInput) {
  const view = classifyPage(rules.taxonomy, base.path, (slug) => catalogue.bySlug.get(slug)?.category);
  const observed = observePageView(previous, view, { source: base.source, path: base.path }, now);
  const context = withCustomer(withProfile(base, observed), customer);
  const render: RenderData = {
    values: templateValues(context),
    recentlyViewed: (limit) => recentlyViewed(catalogue, observed.profile.recent, view.product, limit),
    moreFromCategory: (limit) =>
      moreFromCategory(catalogue, observed.behaviour, observed.profile.recent, view.product, limit),
  };
  return { view, observed, context, render };
}
