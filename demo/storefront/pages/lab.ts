import { html, jsonForScript } from "../html.ts";
import { renderPage } from "../layout.ts";

// Pages that show the kinds of markup an edge rewriter can get wrong, so `stylist verify` has something real to
// check in the demo: end tags the parser implies, a legacy charset named only in <meta>, and an island of markup
// that the page's own script renders again from JSON, the way frameworks hydrate.

/** Valid HTML with the end tags of `li`, `dt`/`dd`, `option` and `p` left out, as many hand-written pages do. */
export function labSizesPage(): string {
  const main = html`<section class="lab" id="size-picker">
<h1>Fellrunner 6: pick a size</h1>
<ul id="sizes" class="sizes">
<li class="size sold-out" data-size="6">UK 6 (sold out)
<li class="size" data-size="7">UK 7
<li class="size" data-size="8">UK 8
<li class="size" data-size="9">UK 9
</ul>
<dl id="fit">
<dt>Fit<dd>True to size
<dt>Drop<dd>6 mm
</dl>
<p class="size-note">Between sizes? Go half a size up for long descents.
<p class="size-help">Our Keswick shop floor can measure your feet.
<label>Width <select id="width"><option>Standard<option>Wide</select></label>
</section>`;
  return renderPage({
    title: "Lab: end tags the parser implies",
    description: "A size picker written with optional end tags omitted.",
    canonicalPath: "/lab/sizes",
    pageType: "lab",
    main,
  });
}

/** The island's props: what its script renders, and what the server rendered from the same data. */
const ISLAND_PROPS = { heading: "In stock at Keswick", line: "12 left in your size" };

/**
 * A stock panel rendered on the server and again in the browser from the JSON beside it. When the two differ the
 * script says so on the console and puts its own render in place, as React, Vue and Svelte do on a mismatch.
 */
export function labIslandPage(): string {
  const main = html`<section class="lab">
<h1>Skarn Fellrunner 6</h1>
<p class="lab-intro">The stock panel below is an island: the server renders it, then its script renders it again.</p>
<section id="stock-island" class="stock-island" data-island="stock-status">
<h2 class="stock-heading">${ISLAND_PROPS.heading}</h2>
<p class="stock-line">${ISLAND_PROPS.line}</p>
</section>
<script type="application/json" id="stock-island-props">${jsonForScript(ISLAND_PROPS)}</script>
<p class="lab-outro">Everything outside the island is plain server HTML.</p>
</section>`;
  return renderPage({
    title: "Lab: a hydrated island",
    description: "A stock panel that a script re-renders from JSON.",
    canonicalPath: "/lab/island",
    pageType: "lab",
    main,
    bodyEnd: html`<script src="/assets/island.js" defer></script>`,
  });
}

/**
 * A windows-1252 page that says so only in <meta>: the Content-Type header has no charset, as on many older shops.
 * Its bytes are Latin-1 (a subset of windows-1252 for every character used here).
 */
export function labLegacyPage(): Buffer {
  const page = `<!doctype html>
<html lang="fr">
<head>
<meta charset="windows-1252">
<title>Lab: une page en windows-1252</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body class="page-lab">
<main id="main" class="lab">
<h1>Livraison en Cumbria</h1>
<p id="delivery" class="café">Livraison gratuite dès £50 - retours sous 100 jours.</p>
<p id="shop">Boutique à Keswick, ouverte de 9 h à 18 h.</p>
</main>
</body>
</html>
`;
  return Buffer.from(page, "latin1");
}
