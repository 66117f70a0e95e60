import type { Experiment, ExperimentInput } from "../src/core/schema/experiment.ts";
import type { SettingsInput } from "../src/core/schema/settings.ts";
import { formatProblem } from "../src/rules/issues.ts";
import { validateRuleSources } from "../src/rules/validate.ts";

type OpInput = NonNullable<ExperimentInput["variants"][number]["ops"]>[number];

/**
 * Brand-level product-page experiments: every Skarn page (and its /slow twin for the first-byte test), so the
 * Tarn & Tor page of the same size is a page with no eligible experiment.
 */
const PRODUCT_PAGES = ["/products/skarn-*", "/slow/products/skarn-*"];

/** The op that deliberately touches every `.price` on the page (9: the buy box and 8 related-product cards). */
export const BROAD_PRICE_OP: OpInput = { op: "addClass", selector: ".price", value: "price-emphasis" };
/** The same edit aimed at the one price a shopper is deciding on. */
export const TARGETED_PRICE_OP: OpInput = {
  op: "addClass",
  selector: "#buy-box .price",
  value: "price-emphasis",
};

interface ProductTest {
  id: string;
  hypothesis: string;
  ops: OpInput[];
}

/** 10 experiments, 30 ops, on the storefront's product-page hooks; each selector matches one element but `.price`. */
function productTests(priceOp: OpInput): ProductTest[] {
  return [
    {
      id: "pdp-title-benefit",
      hypothesis:
        "A benefit-led title tells shoppers why this shoe; it lifts add-to-basket over the bare name",
      ops: [
        { op: "setText", selector: "#product-title", value: "Ridgeline Ultra: grip that lasts on wet rock" },
        { op: "addClass", selector: "#product-title", value: "title-benefit" },
        { op: "addStyle", css: ".title-benefit{letter-spacing:-0.01em}" },
      ],
    },
    {
      id: "pdp-sticky-buy-box",
      hypothesis: "A buy box that stays in view while reading reviews shortens the path to add-to-basket",
      ops: [
        { op: "addClass", selector: "#buy-box", value: "buy-box-sticky" },
        { op: "setAttribute", selector: "#buy-box", name: "data-layout", value: "sticky" },
        { op: "addStyle", css: ".buy-box-sticky{position:sticky;top:0}" },
      ],
    },
    {
      id: "pdp-cta-returns",
      hypothesis: "Naming free returns on the button removes the last doubt before adding to the basket",
      ops: [
        { op: "setText", selector: "#add-to-basket", value: "Add to basket, free returns" },
        { op: "addClass", selector: "#add-to-basket", value: "cta-strong" },
        { op: "setAttribute", selector: "#add-to-basket", name: "data-cta", value: "returns" },
      ],
    },
    {
      id: "pdp-delivery-cutoff",
      hypothesis: "A concrete order-by time makes next-day delivery believable and lifts purchase rate",
      ops: [
        {
          op: "append",
          selector: "#delivery-info",
          html: '<p class="delivery-cutoff">Order by 2pm for next-day delivery.</p>',
        },
        { op: "addClass", selector: "#delivery-info", value: "delivery-emphasis" },
        { op: "setAttribute", selector: "#delivery-info", name: "data-cutoff", value: "14:00" },
      ],
    },
    {
      id: "pdp-description-collapse",
      hypothesis: "Collapsing the long description brings specifications and reviews up and lifts engagement",
      ops: [
        { op: "addClass", selector: "#description", value: "description-collapsed" },
        { op: "setAttribute", selector: "#description", name: "aria-expanded", value: "false" },
        {
          op: "append",
          selector: "#description",
          html: '<button class="read-more" type="button">Read more</button>',
        },
      ],
    },
    {
      id: "pdp-reviews-helpful",
      hypothesis: "Sorting reviews by helpfulness and showing the rating prominently builds trust faster",
      ops: [
        { op: "addClass", selector: "#reviews", value: "reviews-highlight" },
        { op: "setAttribute", selector: "#reviews", name: "data-sort", value: "most-helpful" },
        { op: "addClass", selector: ".rating-summary", value: "rating-prominent" },
      ],
    },
    {
      id: "pdp-related-carousel",
      hypothesis: "A swipeable related-products row gets more clicks than a grid below the fold",
      ops: [
        { op: "addClass", selector: "#related-products", value: "related-carousel" },
        { op: "setAttribute", selector: "#related-products", name: "data-layout", value: "carousel" },
        { op: "addStyle", css: ".related-carousel .product-grid{display:flex;overflow-x:auto}" },
      ],
    },
    {
      id: "pdp-gallery-zoom",
      hypothesis: "Telling shoppers they can zoom the gallery answers fit and finish questions earlier",
      ops: [
        { op: "addClass", selector: "#gallery", value: "gallery-zoom" },
        { op: "setAttribute", selector: "#gallery", name: "data-zoom", value: "hover" },
        { op: "append", selector: "#gallery", html: '<p class="zoom-hint">Hover to zoom</p>' },
      ],
    },
    {
      id: "pdp-promo-returns",
      hypothesis: "Leading the promo banner with returns rather than delivery speaks to the bigger worry",
      ops: [
        { op: "setText", selector: ".promo-text", value: "100-day free returns on everything" },
        { op: "addClass", selector: "#promo-banner", value: "promo-bold" },
        { op: "setAttribute", selector: "#promo-banner", name: "data-promo", value: "returns" },
      ],
    },
    {
      id: "pdp-price-emphasis",
      hypothesis: "Emphasised prices and a plain VAT note make the total cost feel settled and lift purchase",
      ops: [
        priceOp,
        { op: "addClass", selector: "#specifications", value: "specs-compact" },
        { op: "setText", selector: ".vat-note", value: "Price includes VAT" },
      ],
    },
  ];
}

function productExperiment(test: ProductTest): ExperimentInput {
  return {
    id: test.id,
    hypothesis: test.hypothesis,
    status: "running",
    pages: PRODUCT_PAGES,
    variants: [
      { id: "control", weight: 50 },
      { id: "variant", weight: 50, ops: test.ops },
    ],
    metrics: { primary: "purchase" },
  };
}

/**
 * Pages the other rules target. None matches a Skarn or Tarn & Tor product page; about half are patterns, since
 * patterns are what a page view has to test one by one, and exact paths are a map lookup.
 */
const OTHER_PAGES = [
  "/",
  "/basket",
  "/checkout/complete",
  "/category/trail-running",
  "/category/hiking-boots",
  "/category/*",
  "/products/haar-*",
  "/products/northwick-*",
  "/products/fellside-*",
  "/products/wainwright-*",
  "/products/haar-merino-tech-tee",
  "/products/northwick-headtorch-500",
  "/journal/**",
  "/guides/*",
];

function otherExperiment(index: number): ExperimentInput {
  const page = OTHER_PAGES[index % OTHER_PAGES.length] as string;
  const audiences: ExperimentInput["audience"][] = [
    undefined,
    { device: ["mobile"] },
    { all: [{ visitor: "new" }, { not: { utmSource: ["newsletter"] } }] },
  ];
  const audience = audiences[index % audiences.length];
  return {
    id: `other-${String(index).padStart(4, "0")}`,
    hypothesis: `Filler rule ${index}: a change on another page, present so the rule count is realistic`,
    status: "running",
    pages: [page],
    ...(audience ? { audience } : {}),
    variants: [
      { id: "control", weight: 50 },
      {
        id: "variant",
        weight: 50,
        // Distinct elements per rule: `stylist validate` refuses two experiments editing one element on one page.
        ops: [
          { op: "setText", selector: `#offer-${index} .offer-title`, value: `Offer ${index}` },
          { op: "addClass", selector: `#offer-${index}`, value: "offer-highlight" },
        ],
      },
    ],
    metrics: { primary: "purchase" },
  };
}

/** Validates like `stylist push` does, so the fixture is exactly what a real push would store. */
function validated(experiments: ExperimentInput[]): Experiment[] {
  const result = validateRuleSources([
    { file: "bench/rules-fixture.ts", text: JSON.stringify({ experiments }) },
  ]);
  if (result.errors.length > 0) throw new Error(result.errors.map(formatProblem).join("\n"));
  return result.experiments;
}

export type RuleSetName =
  | "rules-0"
  | "rules-1"
  | "rules-10"
  | "rules-100"
  | "rules-1000"
  | "rules-1000-one-eligible"
  | "rules-10-targeted-price"
  | "rules-10-page-cache"
  | "rules-1-large-edit";

export interface RuleSet {
  name: RuleSetName;
  experiments: Experiment[];
  /** How many of them apply to the product page. */
  eligible: number;
  settings?: SettingsInput;
}

/**
 * One op replacing the content of the product page's reviews section (about 85 KB, 1,176 elements and ~2,000 text
 * chunks inside): the edit a "hide the reviews" test makes, whose cost must not grow with what it removes.
 */
export const LARGE_EDIT_OP: OpInput = {
  op: "setHtml",
  selector: "#reviews",
  html: '<p class="reviews-updating">Reviews are being updated</p>',
};

/** The first product experiment (same id, so the bench's visitor is in its variant) with LARGE_EDIT_OP alone. */
function largeEditExperiments(): Experiment[] {
  const [first] = productTests(BROAD_PRICE_OP);
  if (!first) throw new Error("the product tests are missing");
  return validated([productExperiment({ ...first, ops: [LARGE_EDIT_OP] })]);
}

export function productExperiments(priceOp: OpInput = BROAD_PRICE_OP): Experiment[] {
  return validated(productTests(priceOp).map(productExperiment));
}

export function ruleSets(): RuleSet[] {
  const product = productExperiments();
  // Validated once (the set-wide checks are pairwise, so 1,000 rules take seconds); every prefix of a valid set of
  // other-page rules is valid, and none of them shares a page with the product experiments.
  const all = validated(Array.from({ length: 999 }, (_, i) => otherExperiment(i)));
  const others = (count: number) => all.slice(0, count);
  const first = product.slice(0, 1);
  return [
    { name: "rules-0", experiments: [], eligible: 0 },
    { name: "rules-1", experiments: first, eligible: 1 },
    { name: "rules-10", experiments: product, eligible: 10 },
    { name: "rules-100", experiments: [...product, ...others(90)], eligible: 10 },
    { name: "rules-1000", experiments: [...product, ...others(990)], eligible: 10 },
    { name: "rules-1000-one-eligible", experiments: [...first, ...others(999)], eligible: 1 },
    { name: "rules-10-targeted-price", experiments: productExperiments(TARGETED_PRICE_OP), eligible: 10 },
    // The storefront marks product pages `public, max-age=60`: with the page cache on, a repeat view of an arm is
    // served from the isolate instead of being fetched and rewritten again.
    {
      name: "rules-10-page-cache",
      experiments: product,
      eligible: 10,
      settings: { pageCache: { enabled: true } },
    },
    { name: "rules-1-large-edit", experiments: largeEditExperiments(), eligible: 1 },
  ];
}

/** The ops of the variant arms of the 10 product experiments, in order, for the bare-rewriter diagnostic. */
export function productVariantOps(): Experiment["variants"][number]["ops"] {
  return productExperiments().flatMap(
    (experiment) => experiment.variants.find((variant) => variant.id !== "control")?.ops ?? [],
  );
}
