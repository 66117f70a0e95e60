import { basketTotals, sampleBasket } from "../basket-contents.ts";
import { formatPrice } from "../format.ts";
import { html } from "../html.ts";
import { renderPage } from "../layout.ts";
import { productImagePath } from "../product-image.ts";

export function basketPage(): string {
  const lines = sampleBasket();
  const totals = basketTotals(lines);
  const main = html`<h1 id="basket-title">Your basket</h1>
<table class="basket-table" id="basket-lines">
<thead><tr><th scope="col"><span class="visually-hidden">Image</span></th><th scope="col">Product</th><th scope="col">Size</th><th scope="col">Quantity</th><th scope="col">Price</th></tr></thead>
<tbody>
${lines.map(
  (line) => html`<tr class="basket-line" data-product="${line.product.slug}">
<td><img src="${productImagePath(line.product.slug)}" width="80" height="80" alt=""></td>
<td><a href="/products/${line.product.slug}">${line.product.brand} ${line.product.name}</a></td>
<td>${line.size}</td>
<td>${line.quantity}</td>
<td><p class="price">${formatPrice(line.product.pricePence * line.quantity)}</p></td>
</tr>
`,
)}</tbody>
</table>
<section class="basket-summary" aria-label="Order summary">
<dl>
<dt>Subtotal</dt><dd>${formatPrice(totals.subtotal)}</dd>
<dt>Delivery</dt><dd>${totals.delivery === 0 ? "Free" : formatPrice(totals.delivery)}</dd>
<dt class="basket-total">Total</dt><dd class="basket-total" id="basket-total">${formatPrice(totals.total)}</dd>
</dl>
<form method="post" action="/checkout"><button class="button" id="checkout" type="submit">Checkout securely</button></form>
</section>`;
  return renderPage({
    title: "Your basket",
    description: "Review the items in your basket.",
    canonicalPath: "/basket",
    pageType: "basket",
    main,
  });
}
