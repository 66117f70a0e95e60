import { sampleBasket } from "./basket-contents.ts";
import { categories, productsIn } from "./catalogue/index.ts";
import { html, type SafeHtml } from "./html.ts";

export interface PageOptions {
  title: string;
  description: string;
  /** Site-relative, so the proxy never has to rewrite the origin's hostname. */
  canonicalPath: string;
  /** Added to <body class>, handy for experiments that target one page type. */
  pageType: string;
  head?: SafeHtml;
  main: SafeHtml;
  /** Inline data scripts placed before </body>, as hydrating storefronts do. */
  bodyEnd?: SafeHtml;
}

const SITE_NAME = "Fellside Outdoor";

function megaMenu(): SafeHtml {
  return html`<nav class="main-nav" aria-label="Shop by category"><ul>
${categories.map(
  (
    category,
  ) => html`<li class="nav-item"><a href="/category/${category.slug}">${category.name}</a><div class="mega-menu"><ul>${productsIn(
    category.slug,
  ).map(
    (product) => html`<li><a href="/products/${product.slug}">${product.name}</a></li>`,
  )}</ul><p><a href="/category/${category.slug}">Shop all ${category.name.toLowerCase()}</a></p></div></li>
`,
)}</ul></nav>`;
}

function header(): SafeHtml {
  const count = sampleBasket().reduce((total, line) => total + line.quantity, 0);
  return html`<div id="promo-banner"><p class="promo-text">Free UK delivery on orders over £50 &middot; 100-day returns</p></div>
<header class="site-header"><div class="site-header-inner">
<a class="logo" href="/"><img src="/assets/logo.svg" width="180" height="40" alt="${SITE_NAME} home"></a>
${megaMenu()}
<a class="basket-link" href="/basket" aria-label="Basket, ${count} items">Basket <span id="basket-count">${count}</span></a>
</div></header>`;
}

function footer(): SafeHtml {
  return html`<footer class="site-footer">
<div class="footer-columns">
<section><h2>Shop</h2><ul>${categories.map((category) => html`<li><a href="/category/${category.slug}">${category.name}</a></li>`)}</ul></section>
<section><h2>Delivery</h2><ul><li>Free standard UK delivery over £50</li><li>Next-day delivery £5.95 (order by 8pm)</li><li>Click &amp; collect from our Keswick and Ambleside shops</li></ul></section>
<section><h2>Returns</h2><ul><li>100-day returns on unworn kit</li><li>Free returns via drop-off points</li><li>Refunds within 5 working days</li></ul></section>
<section><h2>About us</h2><p>Independent outdoor specialists since 1987, based in the Lake District. Our shop floor staff walk, run and camp in the kit we sell.</p></section>
</div>
<p class="footer-legal">&copy; Fellside Outdoor Ltd. A demo storefront for the Stylist edge personalisation proxy; not a real shop. Prices include VAT.</p>
</footer>`;
}

export function renderPage(options: PageOptions): string {
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} | ${SITE_NAME}</title>
<meta name="description" content="${options.description}">
<link rel="canonical" href="${options.canonicalPath}">
<link rel="icon" href="/assets/logo.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/site.css">
<meta property="og:site_name" content="${SITE_NAME}">
<meta property="og:title" content="${options.title}">
${options.head}
</head>
<body class="page-${options.pageType}">
<a class="skip-link" href="#main">Skip to content</a>
${header()}
<main id="main">
${options.main}
</main>
${footer()}
${options.bodyEnd}
</body>
</html>
`.value;
}
