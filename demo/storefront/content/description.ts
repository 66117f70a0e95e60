import type { Product } from "../catalogue/index.ts";
import { hashString } from "../prng.ts";

// Long-form copy is assembled from category-specific paragraphs plus the
// product's own data, so each of the 50 pages reads differently without
// hand-writing 50 essays.

type Paragraph = (product: Product) => string;

const byCategory: Record<string, readonly Paragraph[]> = {
  "trail-running": [
    (p) =>
      `The ${p.name} was developed with the fell runners who test kit for us every winter, on the kind of ground that defines British hill running: saturated grass, peat hags, greasy limestone and loose scree on the descents. ${p.summary} It is the piece of kit our Keswick shop team reach for when the forecast is doubtful and the route is long.`,
    (p) =>
      `${p.brand} have put a lot of thought into the small details. ${p.features.slice(0, 2).join(". ")}. Those might sound like minor touches, but three hours into a race, with cold hands and a map flapping in the wind, they are exactly the things that make the difference between enjoying the run and simply enduring it.`,
    () =>
      "Trail running kit takes a beating. Mud works its way into every seam, and wet grit acts like sandpaper on fabric and rubber alike. We recommend rinsing your kit in cold water after muddy runs, letting it dry naturally away from radiators, and checking stitching and lugs regularly. Look after it and it will look after you for many hundreds of miles.",
    (p) =>
      `If you are new to off-road running, the ${p.name} is a forgiving place to start, but it has the performance experienced runners expect too. Many of our customers use it for everything from parkrun-style trail loops to the Bob Graham Round, Paddy Buckley and the Ramsay Round.`,
  ],
  "hiking-boots": [
    (p) =>
      `The ${p.name} is built for the long, varied days that British hillwalking is famous for: a wet approach through bracken, a rocky ridge, a boggy plateau and a steep, knee-jarring descent back to the pub. ${p.summary}`,
    (p) =>
      `${p.brand} have focused on fit and durability. ${p.features.slice(0, 3).join(". ")}. Every pair is tested on a flex machine for tens of thousands of cycles before it reaches our shelves, and our own staff have walked hundreds of miles in them across the Lakes, Snowdonia and the Highlands.`,
    () =>
      "Getting the fit right matters more than any other feature. We recommend trying boots on in the afternoon, when feet are slightly swollen, and wearing the socks you plan to walk in. Your heel should stay put as you walk up a slope, and your toes should not touch the front of the boot when you walk downhill. If you are between sizes, our fitting team are happy to advise by phone or in store.",
    () =>
      "Leather and suede boots should be cleaned with a soft brush and lukewarm water after use and allowed to dry slowly at room temperature. Re-proof them every few weeks of regular use with a wax or water-based treatment suitable for the upper material; this keeps the leather supple and helps the waterproof membrane breathe.",
  ],
  waterproofs: [
    (p) =>
      `Rain in the British hills rarely falls straight down. The ${p.name} has been designed for wind-driven, sideways weather on exposed ridges, where a poorly fitting hood or a leaky zip quickly turns a good day into a miserable one. ${p.summary}`,
    (p) =>
      `${p.features.slice(0, 3).join(". ")}. ${p.brand} test every fabric batch for waterproofness and breathability, and the finished garments are rain-tower tested before they leave the factory.`,
    () =>
      "Every waterproof fabric relies on a durable water-repellent (DWR) finish to keep the outer face beading. Over time, dirt, sweat and sun cream clog the surface and the fabric begins to 'wet out', which can feel like a leak. Washing the garment with a technical cleaner and re-proofing it restores performance; a short tumble dry on low heat, where the care label allows, reactivates the finish.",
    () =>
      "We have chosen PFC-free water repellency across our waterproof range. These finishes perform well in real-world conditions and do not persist in the environment the way older fluorocarbon treatments did, which matters to us as a shop whose customers spend their free time in rivers, lakes and mountains.",
  ],
  camping: [
    (p) =>
      `The ${p.name} is for nights under canvas in the places that make the effort worthwhile: a flat patch of grass by a high tarn, a sheltered spot in a Highland glen, or a friendly farm campsite at the end of a long day. ${p.summary}`,
    (p) =>
      `${p.features.slice(0, 3).join(". ")}. ${p.brand} make kit that is straightforward to use when you are tired, cold and losing the light, because that is exactly when you will need it most.`,
    () =>
      "Wild camping is legal in most of Scotland under the Land Reform Act and tolerated in some upland areas of England and Wales with the landowner's permission. Wherever you pitch, please follow the Countryside Code: arrive late, leave early, camp in small groups, avoid lighting fires and take every scrap of litter home with you.",
    () =>
      "Before your first trip, we recommend a practice pitch in the garden or local park. Check everything is there, make sure you know how it goes together, and let it dry fully before packing it away for storage. Kit that is stored damp can develop mildew, which damages coatings and is very hard to remove.",
  ],
};

const shared: readonly Paragraph[] = [
  (p) =>
    `Colour shown: ${p.colour}. Product images are illustrative placeholders; colours on screen can vary slightly from the real thing, so if you need an exact match, our customer service team can send a fabric swatch or a photo taken in daylight.`,
  () =>
    "Sustainability matters to us. We offset the carbon from every delivery, use recycled and recyclable packaging, and run a repair service from our Kendal workshop. When your kit has reached the end of its life, bring it to any of our shops and we will make sure it is reused, repaired or recycled rather than sent to landfill.",
  (p) =>
    `Every ${p.brand} product we sell is covered by our Fellside Promise: if it fails because of a manufacturing fault within two years, we will repair or replace it. That is in addition to your statutory rights, and our 100-day returns policy on unused items.`,
];

export function longDescription(product: Product): string[] {
  const paragraphs = byCategory[product.category] ?? [];
  return [...paragraphs, ...shared].map((paragraph) => paragraph(product));
}

/** Specs every product has, appended to the product's own rows. */
export function commonSpecs(product: Product): [string, string][] {
  return [
    ["Brand", product.brand],
    ["Colour", product.colour],
    ["Product code", `FS-${100_000 + (hashString(product.slug) % 900_000)}`],
    ["Guarantee", "2 years (Fellside Promise)"],
    ["Returns", "100 days on unused items"],
    ["Packaging", "Recycled cardboard, plastic free"],
  ];
}
