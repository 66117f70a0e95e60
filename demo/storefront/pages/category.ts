import type { Category } from "../catalogue/index.ts";
import { productsIn } from "../catalogue/index.ts";
import { breadcrumbs } from "../components/breadcrumbs.ts";
import { productGrid } from "../components/product-card.ts";
import { html } from "../html.ts";
import { renderPage } from "../layout.ts";

export function categoryPage(category: Category): string {
  const items = productsIn(category.slug);
  const brands = [...new Set(items.map((product) => product.brand))].sort();
  const main = html`${breadcrumbs([{ label: "Home", href: "/" }, { label: category.name }])}
<section id="category-header">
<h1>${category.name}</h1>
<p class="category-intro">${category.intro}</p>
</section>
<div class="category-layout">
<aside class="filters" aria-label="Filters">
<form method="get" action="/category/${category.slug}">
<fieldset><legend>Brand</legend>
${brands.map((brand) => html`<label><input type="checkbox" name="brand" value="${brand}"> ${brand}</label>\n`)}</fieldset>
<fieldset><legend>Price</legend>
<label><input type="radio" name="price" value="0-50"> Under £50</label>
<label><input type="radio" name="price" value="50-150"> £50 to £150</label>
<label><input type="radio" name="price" value="150-"> Over £150</label>
</fieldset>
<button class="button button-secondary" type="submit">Apply filters</button>
</form>
</aside>
<section id="product-list" aria-label="Products">
<div class="toolbar"><p class="result-count">${items.length} products</p></div>
${productGrid(items)}
</section>
</div>`;
  return renderPage({
    title: category.name,
    description: category.intro,
    canonicalPath: `/category/${category.slug}`,
    pageType: "category",
    main,
  });
}
