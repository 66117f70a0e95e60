import { type CatalogueIndex, moreFromCategory, recentlyViewed } from "../catalogue/catalogue-index.ts";
import { classifyPage } from "../catalogue/taxonomy.ts";
import type { CompiledRules } from "../decide/compile.ts";
import { templateValues } from "../html/template.ts";
import type { VisitorContext } from "../visitor/context.ts";
import type { CustomerStatus } from "../visitor/customer.ts";
import { observePageView, type Profile } from "../visitor/profile.ts";
import { withCustomer, withProfile } from "../visitor/request-context.ts";
import type { RenderData } from "./render-data.ts";

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
    // Filled by preparePageView once the recommendation table is read, if an experiment needs it.
    related: () => [],
    forYou: () => [],
  };
  return { view, observed, context, render };
}
