import { findProduct, type Product } from "./catalogue/index.ts";

export interface BasketLine {
  product: Product;
  size: string;
  quantity: number;
}

// The demo has no sessions: every visitor sees the same sample basket, which
// keeps pages cacheable and byte-identical for the proxy's tests.
const SAMPLE: readonly { slug: string; size: string; quantity: number }[] = [
  { slug: "skarn-fellrunner-6", size: "8.5", quantity: 1 },
  { slug: "fellside-trail-socks-3pk", size: "M (UK 6-8)", quantity: 2 },
];

export function sampleBasket(): BasketLine[] {
  return SAMPLE.map((line) => {
    const product = findProduct(line.slug);
    if (!product) throw new Error(`Sample basket refers to unknown product ${line.slug}`);
    return { product, size: line.size, quantity: line.quantity };
  });
}

/** Standard delivery is free over £50, matching the USP on the home page. */
export const FREE_DELIVERY_THRESHOLD_PENCE = 5_000;
export const STANDARD_DELIVERY_PENCE = 395;

export function basketTotals(lines: readonly BasketLine[]): {
  subtotal: number;
  delivery: number;
  total: number;
} {
  const subtotal = lines.reduce((sum, line) => sum + line.product.pricePence * line.quantity, 0);
  const delivery = subtotal >= FREE_DELIVERY_THRESHOLD_PENCE ? 0 : STANDARD_DELIVERY_PENCE;
  return { subtotal, delivery, total: subtotal + delivery };
}
