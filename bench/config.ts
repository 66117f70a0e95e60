/**
 * Every knob of the benchmark in one place, so a reader can see what was measured without reading the harness.
 * Sizes are chosen to keep `npm run bench` well under ten minutes on two cores.
 */
/** `BENCH_LOAD_SECONDS=1 npm run bench` gives a quick, noisier run while working on the harness. */
const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 2);

export const BENCH = {
  /** 16 connections keep workerd busy without queueing so deep that latency is all waiting. */
  connections: 16,
  /** Each contestant runs once per round; 5 rounds of 1 s warm-up + 2 s give 10 s measured per contestant. */
  rounds: 5,
  warmupSeconds: 1,
  loadSeconds: Number.isFinite(loadSeconds) && loadSeconds > 0 ? loadSeconds : 2,
  ttfbRequests: 20,
  fullPageRequests: 50,
  /** The slow origin streams the page over this many milliseconds after sending <head> at once. */
  slowOriginMs: 500,
} as const;

/** A Skarn product page of ~134 KB: the brand-level experiments in the fixture target `/products/skarn-*`. */
export const PRODUCT_SLUG = "skarn-ridgeline-ultra";
/** A Tarn & Tor page of nearly the same size that no rule targets, for the "no experiment eligible" row. */
export const UNTARGETED_SLUG = "tarn-tor-trail-shorts";

export const PRODUCT_PATH = `/products/${PRODUCT_SLUG}`;
export const UNTARGETED_PATH = `/products/${UNTARGETED_SLUG}`;
export const SLOW_PATH = `/slow/products/${PRODUCT_SLUG}?ms=${BENCH.slowOriginMs}`;

/** Only used to sign the bench's own visitor cookies; never a real secret. */
export const VISITOR_SECRET = "bench-visitor-secret-0123456789abcdef";

/**
 * Headers every contestant receives. `identity` keeps compression out of the measurement: with gzip the worker
 * would decode and re-encode the page, a cost every contestant shares that would blur the rewriter's own.
 */
export const BASE_HEADERS: Record<string, string> = {
  "accept-encoding": "identity",
  accept: "text/html",
  "user-agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
};

/** What Miniflare hands the worker as `request.cf`, so the context has a country and city as it would at the edge. */
export const CF = { country: "GB", region: "England", city: "Kendal", colo: "MAN" };
