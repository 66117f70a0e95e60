import { basketTotals, sampleBasket } from "../basket-contents.ts";
import { formatPrice } from "../format.ts";
import { html } from "../html.ts";
import { renderPage } from "../layout.ts";
import { createRng } from "../prng.ts";

/** Seeded so the confirmation page is identical on every request. */
export function orderNumber(): string {
  const rng = createRng("order-number");
  return `FS-${rng.int(100_000, 999_999)}-${rng.int(10, 99)}`;
}

export function checkoutCompletePage(): string {
  const lines = sampleBasket();
  const totals = basketTotals(lines);
  const main = html`<section class="confirmation">
<h1 id="order-confirmed">Thank you, your order is confirmed</h1>
<p>Your order number is <strong id="order-number">${orderNumber()}</strong>. We've sent a confirmation email with the details.</p>
<p>Standard delivery usually takes 3 to 5 working days. We'll email you a tracking link when your parcel leaves our Kendal warehouse.</p>
<ul class="order-lines">
${lines.map((line) => html`<li>${line.quantity} &times; ${line.product.brand} ${line.product.name} (${line.size})</li>\n`)}</ul>
<p>Order total: <strong id="order-total">${formatPrice(totals.total)}</strong></p>
<p><a class="button" href="/">Continue shopping</a></p>
</section>`;
  return renderPage({
    title: "Order confirmed",
    description: "Thank you for your order.",
    canonicalPath: "/checkout/complete",
    pageType: "checkout-complete",
    main,
  });
}
