import type { Product } from "./catalogue/index.ts";
import { escapeHtml } from "./html.ts";
import { createRng } from "./prng.ts";

export function productImagePath(slug: string): string {
  return `/assets/product/${slug}.svg`;
}

const PALETTES: readonly (readonly [string, string])[] = [
  ["#2f4f3a", "#dfe8d8"],
  ["#3b4a63", "#dde4ef"],
  ["#7a3e1d", "#f3e3d3"],
  ["#5b4b6e", "#e9e2f0"],
  ["#2e5e61", "#d8ecec"],
  ["#6b5d1f", "#f0ebcf"],
];

// One silhouette per category so the placeholders read as shoes, jackets and
// tents at a glance without shipping binary photos in the repo.
const SILHOUETTES: Record<string, string> = {
  "trail-running":
    "M60 250 C70 210 120 200 150 170 L190 130 C200 120 215 125 220 140 C235 180 270 200 330 210 C360 215 350 260 320 262 L80 268 C62 268 56 262 60 250 Z",
  "hiking-boots":
    "M110 90 L200 90 L205 190 C250 200 320 205 340 230 C350 250 340 270 320 272 L100 272 C85 272 80 262 82 250 L95 180 Z",
  waterproofs:
    "M150 80 L250 80 L320 120 L345 230 L305 240 L290 170 L290 300 L110 300 L110 170 L95 240 L55 230 L80 120 Z",
  camping: "M200 70 L345 290 L55 290 Z M200 150 L250 290 L150 290 Z",
};

/** A deterministic SVG placeholder: colours are seeded from the slug. */
export function productImageSvg(product: Product): string {
  const rng = createRng(`image:${product.slug}`);
  const [ink, paper] = rng.pick(PALETTES);
  const shape = SILHOUETTES[product.category] ?? SILHOUETTES.camping;
  const tilt = rng.int(-6, 6);
  const label = escapeHtml(product.name);
  const brand = escapeHtml(product.brand);
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" aria-label="${brand} ${label}">
  <rect width="400" height="400" fill="${paper}"/>
  <circle cx="${rng.int(60, 340)}" cy="${rng.int(40, 120)}" r="${rng.int(30, 70)}" fill="${ink}" opacity="0.08"/>
  <path d="M0 330 L90 270 L160 310 L250 240 L400 320 L400 400 L0 400 Z" fill="${ink}" opacity="0.12"/>
  <g transform="rotate(${tilt} 200 200)"><path d="${shape}" fill="${ink}"/></g>
  <text x="200" y="360" text-anchor="middle" font-family="system-ui, sans-serif" font-size="18" fill="${ink}">${brand}</text>
  <text x="200" y="384" text-anchor="middle" font-family="system-ui, sans-serif" font-size="14" fill="${ink}" opacity="0.8">${label}</text>
</svg>
`;
}
