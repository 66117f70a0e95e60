import type { Experiment } from "../src/core/schema/experiment.ts";
import { type Check, countIn, editsPresent, exposuresFor, getBody, identical } from "./checks.ts";
import { BASE_HEADERS, PRODUCT_PATH, UNTARGETED_PATH } from "./config.ts";
import type { CookieKind } from "./contestants.ts";
import type { WorkerName } from "./workerd.ts";

export interface CorrectnessInput {
  originUrl: string;
  url: (name: WorkerName) => Promise<string>;
  cookies: Record<CookieKind, string>;
  product: readonly Experiment[];
}

const variantOps = (experiments: readonly Experiment[]) =>
  experiments.flatMap(
    (experiment) => experiment.variants.find((variant) => variant.id !== "control")?.ops ?? [],
  );

/**
 * Before anything is timed: every contestant serves what it claims to. A fast wrong answer is not a result, so
 * the run reports these checks beside the figures and fails if one does not hold.
 */
export async function checkCorrectness(input: CorrectnessInput): Promise<Check[]> {
  const { cookies } = input;
  const ops = variantOps(input.product);
  const origin = await getBody(input.originUrl, PRODUCT_PATH, cookies["stylist-variant"]);
  const originUntargeted = await getBody(input.originUrl, UNTARGETED_PATH, cookies["stylist-variant"]);
  const prices = countIn(origin, 'class="price"');
  const stylist10 = await input.url("stylist-rules-10");
  const stylist1000 = await input.url("stylist-rules-1000");
  const body = async (name: WorkerName, path: string, cookie: CookieKind) =>
    getBody(await input.url(name), path, cookies[cookie]);

  return [
    identical(
      "pass-through serves the origin's bytes",
      await body("passthrough", PRODUCT_PATH, "stylist-variant"),
      origin,
    ),
    identical(
      "Stylist control arm is byte-identical to the origin",
      await body("stylist-rules-10", PRODUCT_PATH, "stylist-control"),
      origin,
    ),
    editsPresent(
      "Stylist variant carries all 30 edits",
      await body("stylist-rules-10", PRODUCT_PATH, "stylist-variant"),
      ops,
      prices,
    ),
    editsPresent(
      "Stylist with 1,000 rules carries the same 30 edits",
      await body("stylist-rules-1000", PRODUCT_PATH, "stylist-variant"),
      ops,
      prices,
    ),
    editsPresent(
      "Stylist, targeted price op: price-emphasis on the buy box only",
      await body("stylist-rules-10-targeted-price-no-queue", PRODUCT_PATH, "stylist-variant"),
      variantOps(input.product).map((op) =>
        op.op === "addClass" && op.selector === ".price" ? { ...op, selector: "#buy-box .price" } : op,
      ),
      1,
    ),
    await (async () => {
      // Twice: the first page view under new rules edits step by step, later ones leave it to the rewriter.
      const first = await body("stylist-rules-1-large-edit-no-queue", PRODUCT_PATH, "stylist-variant");
      const later = await body("stylist-rules-1-large-edit-no-queue", PRODUCT_PATH, "stylist-variant");
      const edited = (page: Buffer) =>
        countIn(page, 'class="reviews-updating"') === 1 && countIn(page, 'class="review-') === 0;
      return {
        name: "Stylist, the large edit: the reviews section's content replaced, on the first page view and a later one",
        ok: edited(first) && first.equals(later),
        detail: `first view ${edited(first) ? "edited" : "not edited"}; later view ${first.equals(later) ? "the same bytes" : "different bytes"}`,
      };
    })(),
    identical(
      "Stylist with the page cache: a repeat view (served from the kept rendering) is byte-identical to the first",
      ...(await (async () => {
        const first = await body("stylist-rules-10-page-cache", PRODUCT_PATH, "stylist-variant");
        const repeat = await body("stylist-rules-10-page-cache", PRODUCT_PATH, "stylist-variant");
        return [repeat, first] as const;
      })()),
    ),
    identical(
      "Stylist with the page cache serves the same variant as without it",
      await body("stylist-rules-10-page-cache", PRODUCT_PATH, "stylist-variant"),
      await body("stylist-rules-10", PRODUCT_PATH, "stylist-variant"),
    ),
    identical(
      "Stylist with no eligible experiment serves the origin's bytes",
      await body("stylist-rules-1000", UNTARGETED_PATH, "stylist-variant"),
      originUntargeted,
    ),
    editsPresent(
      "bare 30-op rewriter carries the same edits",
      await body("bare-ops", PRODUCT_PATH, "stylist-variant"),
      ops,
      prices,
    ),
    editsPresent(
      "GrowthBook variant carries the same edits",
      await body("growthbook", PRODUCT_PATH, "growthbook-variant"),
      ops,
      prices,
    ),
    await exposuresFor(
      "variant: one queue send, 10 exposures",
      stylist10,
      PRODUCT_PATH,
      cookies["stylist-variant"],
      10,
    ),
    await exposuresFor(
      "control: one queue send, 10 exposures",
      stylist10,
      PRODUCT_PATH,
      cookies["stylist-control"],
      10,
    ),
    await exposuresFor(
      "no eligible experiment: no queue send",
      stylist1000,
      UNTARGETED_PATH,
      cookies["stylist-variant"],
      0,
    ),
  ];
}

/** Not a pass/fail check: GrowthBook re-serialises the DOM, so even its control arm may differ from the origin. */
export async function growthBookControlMatchesOrigin(input: CorrectnessInput): Promise<Check> {
  const origin = await getBody(input.originUrl, PRODUCT_PATH, input.cookies["growthbook-control"]);
  const control = await getBody(
    await input.url("growthbook"),
    PRODUCT_PATH,
    input.cookies["growthbook-control"],
  );
  return identical("GrowthBook control arm vs the origin (informational)", control, origin);
}

/**
 * Not pass/fail: what Stylist adds to the headers of a page it did not change. A Set-Cookie or `private` on every
 * page view keeps shared caches from storing any page, which decides what a cacheable-origin Stylist could gain.
 */
export async function untouchedPageHeaders(input: CorrectnessInput): Promise<Check> {
  const headers = { ...BASE_HEADERS, cookie: input.cookies["stylist-variant"] };
  const origin = await fetch(input.originUrl + UNTARGETED_PATH, { headers });
  const stylist = await fetch((await input.url("stylist-rules-1000")) + UNTARGETED_PATH, { headers });
  await Promise.all([origin.arrayBuffer(), stylist.arrayBuffer()]);
  const cookies = stylist.headers.getSetCookie().map((cookie) => cookie.split("=")[0]);
  return {
    name: "headers Stylist sends on a page with no eligible experiment (informational)",
    ok: true,
    detail: `Set-Cookie: ${cookies.length ? cookies.join(", ") : "none"}; Cache-Control: ${stylist.headers.get("cache-control")} (origin: ${origin.headers.get("cache-control")})`,
  };
}
