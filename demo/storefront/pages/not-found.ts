import { categories, featuredProducts } from "../catalogue/index.ts";
import { productGrid } from "../components/product-card.ts";
import { html } from "../html.ts";
import { renderPage } from "../layout.ts";

// The requested path is deliberately not echoed back, so the 404 page is one
// cacheable document rather than a reflection of arbitrary input.
export function notFoundPage(): string {
  const main = html`<section class="not-found">
<h1>Sorry, we can't find that page</h1>
<p>It may have moved, or the product may no longer be available. Try one of our categories instead:</p>
<p>${categories.map((category, i) => html`${i > 0 && " · "}<a href="/category/${category.slug}">${category.name}</a>`)}</p>
</section>
<section class="home-section">
<h2>Popular right now</h2>
${productGrid(featuredProducts().slice(0, 4))}
</section>`;
  return renderPage({
    title: "Page not found",
    description: "The page you were looking for could not be found.",
    canonicalPath: "/",
    pageType: "not-found",
    main,
  });
}
