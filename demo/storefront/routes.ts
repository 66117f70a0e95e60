import { productImage, staticAsset } from "./assets.ts";
import { findCategory, findProduct } from "./catalogue/index.ts";
import { basketPage } from "./pages/basket.ts";
import { categoryPage } from "./pages/category.ts";
import { checkoutCompletePage } from "./pages/checkout-complete.ts";
import { homePage } from "./pages/home.ts";
import { labIslandPage, labLegacyPage, labSizesPage } from "./pages/lab.ts";
import { notFoundPage } from "./pages/not-found.ts";
import { productPage } from "./pages/product.ts";
import {
  CACHE,
  CONTENT_TYPES,
  htmlPage,
  plainText,
  type Representation,
  representation,
} from "./representation.ts";

/** Spread a body over time: first chunk at once, the rest evenly until `totalMs`. */
export interface Pacing {
  totalMs: number;
  chunks: number;
  /** Byte offset where the first chunk ends (just after `</head>`). */
  firstChunkEnd: number;
}

export interface Outcome {
  representation: Representation;
  pacing?: Pacing;
}

const SLOW_DEFAULT_MS = 500;
const SLOW_MAX_MS = 60_000;
const SLOW_CHUNKS = 10;

// Every page is a pure function of its path, so rendered representations are
// memoised. Keys only ever come from catalogue slugs, which bounds the cache.
const memo = new Map<string, Representation>();
function memoised(key: string, build: () => Representation | undefined): Representation | undefined {
  const hit = memo.get(key);
  if (hit) return hit;
  const built = build();
  if (built) memo.set(key, built);
  return built;
}

function notFound(): Representation {
  return memoised("404", () => htmlPage(notFoundPage(), 404)) as Representation;
}

function product(slug: string): Representation | undefined {
  const found = findProduct(slug);
  return found && memoised(`product:${slug}`, () => htmlPage(productPage(found)));
}

function slowProduct(slug: string, query: URLSearchParams): Outcome {
  const page = product(slug);
  if (!page) return { representation: notFound() };
  const msParam = query.get("ms");
  const totalMs = msParam === null ? SLOW_DEFAULT_MS : Number(msParam);
  if (!/^\d+$/.test(msParam ?? "0") || totalMs > SLOW_MAX_MS) {
    return { representation: plainText(400, `ms must be an integer from 0 to ${SLOW_MAX_MS}\n`) };
  }
  const headEnd = page.body.indexOf("</head>");
  return {
    // Benchmarks need every request to reach the origin, so nothing may store it.
    representation: { ...page, cacheControl: CACHE.none },
    pacing: { totalMs, chunks: SLOW_CHUNKS, firstChunkEnd: headEnd + "</head>".length },
  };
}

function stock(slug: string): Representation {
  const found = findProduct(slug);
  if (!found) {
    return representation({
      status: 404,
      contentType: CONTENT_TYPES.json,
      cacheControl: CACHE.none,
      body: JSON.stringify({ error: "not_found", slug }),
      compressible: true,
    });
  }
  return representation({
    contentType: CONTENT_TYPES.json,
    cacheControl: CACHE.api,
    body: JSON.stringify({ slug: found.slug, inStock: true }),
    compressible: true,
  });
}

function page(found: Representation | undefined): Outcome {
  return { representation: found ?? notFound() };
}

const EXACT: Record<string, () => Outcome> = {
  "/": () => page(memoised("home", () => htmlPage(homePage()))),
  "/healthz": () => page(plainText(200, "ok")),
  "/basket": () => page(memoised("basket", () => htmlPage(basketPage(), 200, CACHE.personal))),
  "/checkout/complete": () =>
    page(memoised("checkout", () => htmlPage(checkoutCompletePage(), 200, CACHE.personal))),
  "/assets/site.css": () => page(memoised("site.css", () => staticAsset("/assets/site.css"))),
  "/assets/logo.svg": () => page(memoised("logo.svg", () => staticAsset("/assets/logo.svg"))),
  "/assets/island.js": () => page(memoised("island.js", () => staticAsset("/assets/island.js"))),
  "/lab/sizes": () => page(memoised("lab:sizes", () => htmlPage(labSizesPage()))),
  "/lab/island": () => page(memoised("lab:island", () => htmlPage(labIslandPage()))),
  "/lab/legacy": () =>
    page(
      memoised("lab:legacy", () =>
        representation({
          contentType: CONTENT_TYPES.htmlNoCharset,
          cacheControl: CACHE.page,
          body: labLegacyPage(),
          compressible: true,
          declareLength: false,
        }),
      ),
    ),
};

/** Each pattern captures one slug; slugs are lower-case so anything else is a 404. */
const PATTERNS: readonly (readonly [RegExp, (slug: string, query: URLSearchParams) => Outcome])[] = [
  [
    /^\/category\/([a-z0-9-]+)$/,
    (slug) => {
      const category = findCategory(slug);
      return page(category && memoised(`category:${slug}`, () => htmlPage(categoryPage(category))));
    },
  ],
  [/^\/products\/([a-z0-9-]+)$/, (slug) => page(product(slug))],
  [/^\/slow\/products\/([a-z0-9-]+)$/, (slug, query) => slowProduct(slug, query)],
  [
    /^\/assets\/product\/([a-z0-9-]+)\.svg$/,
    (slug) => page(memoised(`image:${slug}`, () => productImage(slug))),
  ],
  [/^\/api\/stock\/([a-z0-9-]+)$/, (slug) => ({ representation: stock(slug) })],
];

function get(path: string, query: URLSearchParams): Outcome {
  const exact = EXACT[path];
  if (exact) return exact();
  for (const [pattern, handler] of PATTERNS) {
    const slug = pattern.exec(path)?.[1];
    if (slug !== undefined) return handler(slug, query);
  }
  return page(undefined);
}

/** Maps a method and request-target to what should be sent; does no I/O. */
export function route(method: string, target: string): Outcome {
  // Parsed by hand: `new URL("//x", base)` would read "x" as a host name.
  const queryStart = target.indexOf("?");
  const path = queryStart === -1 ? target : target.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? "" : target.slice(queryStart + 1));

  if (path === "/basket" && method === "POST") {
    // Post/Redirect/Get: a refresh after "Add to basket" must not resubmit.
    return {
      representation: representation({
        status: 303,
        contentType: CONTENT_TYPES.text,
        cacheControl: CACHE.none,
        body: "",
        headers: { Location: "/basket" },
      }),
    };
  }
  if (path === "/checkout" && method === "POST") {
    return {
      representation: representation({
        status: 303,
        contentType: CONTENT_TYPES.text,
        cacheControl: CACHE.none,
        body: "",
        headers: { Location: "/checkout/complete" },
      }),
    };
  }
  if (method !== "GET" && method !== "HEAD") {
    const allow = path === "/basket" || path === "/checkout" ? "GET, HEAD, POST" : "GET, HEAD";
    return { representation: plainText(405, "Method Not Allowed\n", { Allow: allow }) };
  }
  return get(path, query);
}
