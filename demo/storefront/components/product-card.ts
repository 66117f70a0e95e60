import type { Product } from "../catalogue/index.ts";
import { formatPrice } from "../format.ts";
import { html, type SafeHtml } from "../html.ts";
import { productImagePath } from "../product-image.ts";

// The card markup is a contract with the proxy's sample experiments: keep the
// element order and the `price` class stable.
export function productCard(product: Product): SafeHtml {
  return html`<article class="product-card" data-product="${product.slug}"><a href="/products/${product.slug}"><img src="${productImagePath(product.slug)}" width="400" height="400" alt="${product.brand} ${product.name} in ${product.colour}" loading="lazy" decoding="async"></a><h3>${product.name}</h3><p class="price">${formatPrice(product.pricePence)}</p></article>`;
}

export function productGrid(items: readonly Product[]): SafeHtml {
  return html`<div class="product-grid">
${items.map((product) => html`${productCard(product)}\n`)}</div>`;
}
