import { html } from "../core/html/html.ts";
import { isHttpsUrl, isSameSitePath } from "../core/html/url-safety.ts";
import type { CatalogueProduct } from "../core/schema/catalogue.ts";

const formats = new Map<string, Intl.NumberFormat>();

function price(minor: number, currency: string): string {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en-GB", { style: "currency", currency });
    formats.set(currency, format);
  }
  // Minor units per major unit follow the currency: pence for GBP, none for JPY.
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/** The markup of a product list: every value from the catalogue or the profile is escaped by `html`. */
export function productListHtml(
  kind: string,
  heading: string,
  products: readonly CatalogueProduct[],
): string {
  const items = products
    // The catalogue schema already refuses off-site links; a catalogue written to KV around it still links nowhere else.
    .filter((product) => isSameSitePath(product.url))
    .map((product) => {
      const image =
        product.image &&
        (isSameSitePath(product.image) || isHttpsUrl(product.image)) &&
        html`<img src="${product.image}" alt="" width="120" height="120" loading="lazy" decoding="async">`;
      return html`<li><a href="${product.url}">${image}<span class="stylist-product-name">${product.name}</span><span class="stylist-product-price">${price(product.price, product.currency)}</span></a></li>`;
    });
  return html`<section class="stylist-products" data-stylist="${kind}"><h2>${heading}</h2><ul>${items}</ul></section>`
    .markup;
}
