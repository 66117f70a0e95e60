import { FREE_DELIVERY_THRESHOLD_PENCE } from "../basket-contents.ts";
import { bestsellerSlugs, categoryOf, findProduct, type Product } from "../catalogue/index.ts";
import { breadcrumbs } from "../components/breadcrumbs.ts";
import { productGrid } from "../components/product-card.ts";
import { ratingStars } from "../components/rating.ts";
import { commonSpecs, longDescription } from "../content/description.ts";
import { questionsFor } from "../content/questions.ts";
import { averageRating, type Review, reviewsFor } from "../content/reviews.ts";
import { formatDate, formatPrice, isoDate } from "../format.ts";
import { html, jsonForScript, type SafeHtml } from "../html.ts";
import { renderPage } from "../layout.ts";
import { productImagePath } from "../product-image.ts";

const GALLERY_VIEWS = ["Front", "Side", "Back", "Detail", "Sole or lining", "In use"];

function gallery(product: Product): SafeHtml {
  const src = productImagePath(product.slug);
  return html`<section id="gallery" class="product-gallery" aria-label="Product images">
<figure class="gallery-main"><img src="${src}" width="800" height="800" alt="${product.brand} ${product.name} in ${product.colour}, front view" fetchpriority="high"></figure>
<ul class="gallery-thumbs">
${GALLERY_VIEWS.map(
  (view, i) =>
    html`<li><button type="button" data-gallery-index="${i}" aria-label="Show ${view.toLowerCase()} view" aria-current="${i === 0 ? "true" : "false"}"><img src="${src}?view=${i + 1}&amp;w=160" width="160" height="160" alt="" loading="lazy" decoding="async"></button></li>\n`,
)}</ul>
</section>`;
}

function buyBox(product: Product, reviews: readonly Review[]): SafeHtml {
  const category = categoryOf(product);
  const sizes = product.sizes ?? category.defaultSizes;
  const average = averageRating(reviews);
  return html`<section id="buy-box" class="product-summary" aria-label="Buy">
<p class="product-brand">${product.brand}</p>
<h1 id="product-title">${product.name}</h1>
<a class="rating-summary" href="#reviews">${ratingStars(average)} <span>${average.toFixed(1)} (${reviews.length} reviews)</span></a>
<p class="price">${formatPrice(product.pricePence)}</p>
<p class="vat-note">Including VAT.${product.pricePence >= FREE_DELIVERY_THRESHOLD_PENCE && " Free UK delivery on this item."}</p>
<p class="product-summary-text">${product.summary}</p>
<form class="add-to-basket-form" method="post" action="/basket">
<input type="hidden" name="product" value="${product.slug}">
<fieldset class="size-picker"><legend>${product.sizes ? "Size" : category.sizeLabel}</legend>
<div class="size-options">
${sizes.map(
  (size, i) =>
    html`<label><input type="radio" name="size" value="${size}"${i === 0 && html` checked`}><span>${size}</span></label>\n`,
)}</div>
</fieldset>
<div class="quantity-row"><label for="quantity">Quantity</label><input id="quantity" name="quantity" type="number" min="1" max="10" value="1" inputmode="numeric"></div>
<button id="add-to-basket">Add to basket</button>
</form>
<p class="stock-status" data-stock-url="/api/stock/${product.slug}">In stock, ready to ship from Kendal</p>
<section id="delivery-info">
<h2 class="delivery-heading">Delivery and returns</h2>
<ul class="delivery-list">
<li><strong>Free standard delivery</strong> on UK orders over £50 (3 to 5 working days, otherwise £3.95)</li>
<li><strong>Next-day delivery</strong> £5.95 when you order by 8pm, Monday to Thursday</li>
<li><strong>Click and collect</strong> free from Keswick, Ambleside or Kendal, usually the next day</li>
<li><strong>100-day returns</strong> on unused items, free via drop-off points</li>
<li>All deliveries are carbon-neutral</li>
</ul>
</section>
</section>`;
}

function description(product: Product): SafeHtml {
  return html`<section id="description" class="product-section product-description">
<h2>About the ${product.name}</h2>
${longDescription(product).map((paragraph) => html`<p>${paragraph}</p>\n`)}<h3>Key features</h3>
<ul class="feature-list">
${product.features.map((feature) => html`<li>${feature}</li>\n`)}</ul>
</section>`;
}

function specifications(product: Product): SafeHtml {
  const rows = [...product.specs, ...commonSpecs(product)];
  return html`<section id="specifications" class="product-section">
<h2>Specifications</h2>
<table class="spec-table">
<tbody>
${rows.map(([label, value]) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>\n`)}</tbody>
</table>
</section>`;
}

function questions(product: Product): SafeHtml {
  return html`<section id="questions" class="product-section">
<h2>Questions and answers</h2>
<dl class="qa-list">
${questionsFor(product).map(
  (qa) => html`<dt>${qa.question} <span class="qa-meta">Asked by ${qa.askedBy}</span></dt>
<dd>${qa.answer}</dd>
`,
)}</dl>
</section>`;
}

function review(item: Review): SafeHtml {
  return html`<li class="review" id="review-${item.id}" data-rating="${item.rating}">
<article>
<header class="review-header">${ratingStars(item.rating)}<h3 class="review-title">${item.title}</h3></header>
<p class="review-meta"><span class="review-author">${item.author}</span>, ${item.location} &middot; <time datetime="${isoDate(item.date)}">${formatDate(item.date)}</time>${item.verifiedPurchase && html` &middot; <span class="review-verified">Verified purchase</span>`}</p>
<div class="review-body">
${item.body.map((paragraph) => html`<p>${paragraph}</p>\n`)}</div>
<dl class="review-attributes"><div><dt>Used for</dt><dd>${item.usedFor}</dd></div>${item.fit && html`<div><dt>Fit</dt><dd>${item.fit}</dd></div>`}</dl>
${item.response && html`<div class="review-response"><p><strong>Response from Fellside Outdoor</strong></p><p>${item.response}</p></div>`}
<footer class="review-helpful"><span>Was this review helpful?</span><button type="button" data-review="${item.id}" data-vote="yes">Yes (${item.helpfulVotes})</button><button type="button" data-review="${item.id}" data-vote="no">No</button><button type="button" data-review="${item.id}" data-vote="report">Report</button></footer>
</article>
</li>
`;
}

function reviewSection(reviews: readonly Review[]): SafeHtml {
  const average = averageRating(reviews);
  const counts = [5, 4, 3, 2, 1].map(
    (stars) => [stars, reviews.filter((r) => r.rating === stars).length] as const,
  );
  return html`<section id="reviews" class="product-section">
<h2>Customer reviews</h2>
<div class="review-summary">
<div><p class="review-average">${average.toFixed(1)}</p>${ratingStars(average)}<p>Based on ${reviews.length} reviews</p></div>
<ul class="review-histogram">
${counts.map(
  ([stars, count]) =>
    html`<li><span>${stars} stars</span><meter min="0" max="${reviews.length}" value="${count}">${count}</meter><span>${count}</span></li>\n`,
)}</ul>
</div>
<ol class="review-list">
${reviews.map(review)}</ol>
</section>`;
}

/** The shop's bestsellers, not the product itself: the list a recommendation experiment is tested against. */
function relatedProducts(product: Product): Product[] {
  return bestsellerSlugs
    .filter((slug) => slug !== product.slug)
    .flatMap((slug) => findProduct(slug) ?? [])
    .slice(0, 8);
}

function structuredData(product: Product, reviews: readonly Review[]): SafeHtml {
  const data = {
    "@context": "https://schema.org",
    "@type": "Product",
    name: product.name,
    sku: product.slug,
    brand: { "@type": "Brand", name: product.brand },
    description: product.summary,
    color: product.colour,
    image: productImagePath(product.slug),
    offers: {
      "@type": "Offer",
      priceCurrency: "GBP",
      price: (product.pricePence / 100).toFixed(2),
      availability: "https://schema.org/InStock",
      url: `/products/${product.slug}`,
    },
    aggregateRating: {
      "@type": "AggregateRating",
      ratingValue: averageRating(reviews),
      reviewCount: reviews.length,
    },
    review: reviews.slice(0, 10).map((item) => ({
      "@type": "Review",
      author: { "@type": "Person", name: item.author },
      datePublished: isoDate(item.date),
      name: item.title,
      reviewBody: item.body.join("\n\n"),
      reviewRating: { "@type": "Rating", ratingValue: item.rating, bestRating: 5 },
    })),
  };
  return html`<script type="application/ld+json">${jsonForScript(data)}</script>`;
}

// Mirrors the hydration blob that framework-rendered storefronts embed; it is a
// large part of the page weight the proxy has to stream through.
function pageState(product: Product, reviews: readonly Review[], related: readonly Product[]): SafeHtml {
  const category = categoryOf(product);
  const state = {
    product: {
      ...product,
      sizes: product.sizes ?? category.defaultSizes,
      price: { amount: product.pricePence, currency: "GBP", formatted: formatPrice(product.pricePence) },
      images: GALLERY_VIEWS.map((view, i) => ({
        src: `${productImagePath(product.slug)}?view=${i + 1}`,
        alt: view,
      })),
      stockUrl: `/api/stock/${product.slug}`,
    },
    reviews,
    related: related.map((p) => ({ slug: p.slug, name: p.name, brand: p.brand, price: p.pricePence })),
    basket: { href: "/basket" },
  };
  return html`<script type="application/json" id="page-state">${jsonForScript(state)}</script>`;
}

export function productPage(product: Product): string {
  const category = categoryOf(product);
  const reviews = reviewsFor(product);
  const related = relatedProducts(product);
  const main = html`${breadcrumbs([
    { label: "Home", href: "/" },
    { label: category.name, href: `/category/${category.slug}` },
    { label: product.name },
  ])}
<div class="product-layout" data-product="${product.slug}">
${gallery(product)}
${buyBox(product, reviews)}
</div>
${description(product)}
${specifications(product)}
${questions(product)}
${reviewSection(reviews)}
<section id="related-products" class="product-section">
<h2>Our bestsellers</h2>
${productGrid(related)}
</section>`;
  return renderPage({
    title: `${product.brand} ${product.name}`,
    description: product.summary,
    canonicalPath: `/products/${product.slug}`,
    pageType: "product",
    head: html`<link rel="preload" as="image" href="${productImagePath(product.slug)}">
<meta property="og:type" content="product">
<meta property="product:price:amount" content="${(product.pricePence / 100).toFixed(2)}">
<meta property="product:price:currency" content="GBP">
${structuredData(product, reviews)}`,
    main,
    bodyEnd: pageState(product, reviews, related),
  });
}
