import type { CatalogueProduct } from "./schema/catalogue.ts";
import type { TemplateValues } from "./template.ts";

/** What ops may show of the visitor: placeholder values and product lists, computed once per page view if needed. */
export interface RenderData {
  values: TemplateValues;
  recentlyViewed(limit: number): CatalogueProduct[];
  moreFromCategory(limit: number): CatalogueProduct[];
}

export const NO_RENDER_DATA: RenderData = {
  values: {},
  recentlyViewed: () => [],
  moreFromCategory: () => [],
};
