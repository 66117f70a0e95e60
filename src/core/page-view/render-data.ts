import type { TemplateValues } from "../html/template.ts";
import type { CatalogueProduct } from "../schema/catalogue.ts";

/** What ops may show of the visitor: placeholder values and product lists, computed once per page view if needed. */
export interface RenderData {
  values: TemplateValues;
  recentlyViewed(limit: number): CatalogueProduct[];
  moreFromCategory(limit: number): CatalogueProduct[];
  /** From the recommendation table: products that go with the one on the page. */
  related(limit: number): CatalogueProduct[];
  /** From the recommendation table: products that go with what the visitor viewed lately. */
  forYou(limit: number): CatalogueProduct[];
}

export const NO_RENDER_DATA: RenderData = {
  values: {},
  recentlyViewed: () => [],
  moreFromCategory: () => [],
  related: () => [],
  forYou: () => [],
};
