import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redirectTarget } from "../../../../src/core/page-view/redirect.ts";
import { PREVIEW_PARAM } from "../../../../src/core/signing/preview.ts";

const RUNS = { seed: 0x5717_0005, numRuns: 500 };
const SHOP = "shop.example";
const ALLOWED = ["partner.example", "checkout.partner.example"];

/** The classic open-redirect shapes, with the shop and an allowed host spliced in where it tempts a parser. */
const hostileUrl = fc.constantFrom(
  "//evil.example/",
  "///evil.example/",
  "////evil.example",
  "/\\evil.example/",
  "\\\\evil.example",
  "\\/evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  " //evil.example",
  "https:evil.example",
  "https:/evil.example",
  "https:\\\\evil.example",
  "http://evil.example/",
  "https://evil.example/",
  `https://${SHOP}@evil.example/`,
  `https://evil.example\\@${SHOP}/`,
  `https://evil.example#@${SHOP}/`,
  `https://evil.example?@${SHOP}/`,
  `https://${SHOP}.evil.example/`,
  `https://evil.example/${SHOP}`,
  `https://evil.example%2F@${SHOP}/`,
  `https://evil@${SHOP}/landing-b`,
  "https://partner.example.evil.example/",
  "https://evil.example/.partner.example",
  "http://partner.example/",
  "https://partner.example:8443/",
  "https://PARTNER.example/",
  "https://partner.example./",
  "https://user:pass@partner.example/",
  "javascript:alert(1)",
  "JavaScript://%0aalert(1)",
  `javascript://${SHOP}/%0aalert(1)`,
  "data:text/html,<script>alert(1)</script>",
  "vbscript:msgbox(1)",
  "file:///etc/passwd",
  "/%2F%2Fevil.example",
  "/%5C%5Cevil.example",
  "/.//evil.example",
  "/landing-b?next=//evil.example",
  "/landing-b#//evil.example",
  "/landing-b",
  "landing-b",
  "../../evil.example",
  "",
  "https://[::1]/",
  "https://127.0.0.1/",
  "https://xn--80ak6aa92e.example/",
);
/** Pieces put together into near-misses a fixed list would not think of. */
const piece = fc.constantFrom(
  "/",
  "//",
  "\\",
  "@",
  "#",
  "?",
  ":",
  ".",
  "%2F",
  "%5C",
  "https:",
  "http:",
  "javascript:",
  "\t",
  "\r\n",
  " ",
  "evil.example",
  SHOP,
  "partner.example",
  "landing-b",
);
/** Absolute URLs on allowed, look-alike and foreign hosts, over both schemes. */
const absoluteUrl = fc
  .tuple(
    fc.constantFrom("https://", "http://", "HTTPS://", "//"),
    fc.constantFrom(...ALLOWED, SHOP, "evil.example", "partner.example.evil.example", "evilpartner.example"),
    fc.webPath(),
  )
  .map(([scheme, host, path]) => `${scheme}${host}${path}`);
const variantUrl = fc.oneof(
  hostileUrl,
  absoluteUrl,
  fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join("")),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string({ maxLength: 60 }),
);

const query = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom("utm_source", "next", "url", PREVIEW_PARAM, "q"), fc.string({ maxLength: 8 })),
    fc.oneof(
      fc.constantFrom("//evil.example", "\r\nLocation: https://evil.example", "x"),
      fc.string({ maxLength: 20 }),
    ),
  ),
  { maxLength: 4 },
);
const requestUrl = fc.tuple(fc.webPath(), query).map(([path, params]) => {
  const url = new URL(`https://${SHOP}`);
  url.pathname = path || "/";
  for (const [name, value] of params) url.searchParams.append(name, value);
  return url;
});
const allowed = fc.subarray(ALLOWED);

describe("redirectTarget on hostile variant URLs (property-based)", () => {
  it("never returns a URL off the request's host unless the host is allowed and https", () => {
    fc.assert(
      fc.property(variantUrl, requestUrl, allowed, (variant, request, hosts) => {
        const target = redirectTarget(variant, request, hosts);
        if (!target || target.host === request.host) return;
        expect(target.protocol).toBe("https:");
        expect(hosts).toContain(target.hostname);
      }),
      RUNS,
    );
  });

  it("follows a plain path on the shop, so the properties here are not vacuous", () => {
    fc.assert(
      fc.property(requestUrl, (request) => {
        fc.pre(request.pathname !== "/landing-b");
        expect(redirectTarget("/landing-b", request, [])?.host).toBe(SHOP);
      }),
      RUNS,
    );
  });

  it("never redirects a page to itself", () => {
    fc.assert(
      fc.property(variantUrl, requestUrl, allowed, (variant, request, hosts) => {
        const target = redirectTarget(variant, request, hosts);
        if (target && target.host === request.host) expect(target.pathname).not.toBe(request.pathname);
      }),
      RUNS,
    );
  });

  it("returns a URL that is safe to put in a Location header, with the visitor's query but never the preview token", () => {
    fc.assert(
      fc.property(variantUrl, requestUrl, allowed, (variant, request, hosts) => {
        const target = redirectTarget(variant, request, hosts);
        if (!target) return;
        // No whitespace or control character survives URL serialisation, so no header can be injected.
        expect([...target.href].filter((char) => char <= " " || char === "\u007f")).toEqual([]);
        const own = new URL(variant, request);
        for (const [name] of request.searchParams) {
          if (name === PREVIEW_PARAM) continue;
          expect(target.searchParams.has(name)).toBe(true);
        }
        if (!own.searchParams.has(PREVIEW_PARAM)) expect(target.searchParams.has(PREVIEW_PARAM)).toBe(false);
      }),
      RUNS,
    );
  });

  it("carries every value of a repeated query parameter, in order, unless the variant URL sets that name itself", () => {
    const name = fc.constantFrom("a", "b", "utm_source", "size", "x y", "é");
    const pairs = fc.array(fc.tuple(name, fc.string({ maxLength: 8 })), { maxLength: 8 });
    fc.assert(
      fc.property(pairs, fc.subarray(["a", "size"]), (query, variantNames) => {
        const request = new URL("https://shop.example/landing");
        for (const [key, value] of query) request.searchParams.append(key, value);
        const variant = `/landing-b${variantNames.length ? `?${variantNames.map((n) => `${n}=v`).join("&")}` : ""}`;
        const target = redirectTarget(variant, request, []);
        expect(target).toBeDefined();
        for (const key of new Set(query.map(([key]) => key))) {
          expect(target?.searchParams.getAll(key)).toEqual(
            variantNames.includes(key) ? ["v"] : request.searchParams.getAll(key),
          );
        }
      }),
      RUNS,
    );
  });
});
