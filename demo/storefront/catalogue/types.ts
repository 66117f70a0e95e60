export interface Category {
  slug: string;
  name: string;
  /** Strapline shown under the category heading. */
  intro: string;
  /** Label for the size picker, e.g. "UK shoe size". */
  sizeLabel: string;
  defaultSizes: readonly string[];
}

export type SpecRow = readonly [label: string, value: string];

export interface Product {
  slug: string;
  name: string;
  brand: string;
  category: string;
  pricePence: number;
  colour: string;
  /** One-sentence pitch used in the hero of the product page and meta description. */
  summary: string;
  features: readonly string[];
  specs: readonly SpecRow[];
  /** Overrides the category's sizes for kit that is not sized like its neighbours. */
  sizes?: readonly string[];
}
