import { categories, featuredProducts } from "../catalogue/index.ts";
import { productGrid } from "../components/product-card.ts";
import { html } from "../html.ts";
import { renderPage } from "../layout.ts";

// The ids and the exact hero markup below are targeted by the proxy's sample
// experiments; change them only together with those experiments.
export function homePage(): string {
  const main = html`<section id="hero">
<h1>Gear for every fell and fjord</h1>
<p class="hero-intro">Tried-and-tested outdoor kit from our Lake District shops: trail shoes that grip, boots that last and waterproofs that actually keep the weather out.</p>
<a class="cta" href="/category/trail-running">Shop trail running</a>
</section>
<section id="usp-bar">
<ul class="usp-list" aria-label="Why shop with Fellside">
<li>Free UK delivery on orders over £50</li>
<li>100-day returns</li>
<li>Carbon-neutral shipping</li>
</ul>
</section>
<section id="featured" class="home-section">
<h2>Featured gear</h2>
${productGrid(featuredProducts())}
</section>
<section id="shop-by-category" class="home-section">
<h2>Shop by category</h2>
<ul class="category-tiles">
${categories.map((category) => html`<li><a href="/category/${category.slug}"><h3>${category.name}</h3><p>${category.intro}</p></a></li>\n`)}</ul>
</section>
<section id="our-story" class="home-section">
<h2>Outdoor specialists since 1987</h2>
<p>Fellside started as a single shop in Keswick selling boots to walkers heading up Skiddaw. Today we have three shops in the Lakes and deliver across the UK, but we still test everything we sell on the fells first.</p>
</section>`;
  return renderPage({
    title: "Outdoor clothing and equipment",
    description:
      "Trail running shoes, hiking boots, waterproofs and camping kit from Lake District outdoor specialists. Free UK delivery over £50.",
    canonicalPath: "/",
    pageType: "home",
    main,
  });
}
