import { html, type SafeHtml } from "../html.ts";

// Full inline SVG per star, as many storefront component libraries emit; it is
// part of why real product pages are heavy, which the proxy must cope with.
const STAR_PATH =
  "M12 2.5l2.94 5.96 6.58.96-4.76 4.64 1.12 6.55L12 17.52l-5.88 3.09 1.12-6.55L2.48 9.42l6.58-.96L12 2.5z";

function star(kind: "full" | "half" | "empty"): SafeHtml {
  return html`<svg class="star star-${kind}" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path d="${STAR_PATH}"></path></svg>`;
}

/** Stars rounded to the nearest half, with a text equivalent for screen readers. */
export function ratingStars(rating: number): SafeHtml {
  const halves = Math.round(rating * 2);
  const stars: SafeHtml[] = [];
  for (let i = 1; i <= 5; i++) {
    const full = i * 2 <= halves;
    const half = !full && i * 2 - 1 === halves;
    stars.push(star(full ? "full" : half ? "half" : "empty"));
  }
  return html`<span class="stars" role="img" aria-label="Rated ${rating.toFixed(1)} out of 5">${stars}</span>`;
}
