import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requestSite } from "../../../../src/core/visitor/same-origin.ts";

/** Where a request to a state-changing endpoint came from (issue 12 item 6): never throws, same-origin only when the browser says so. */
const SHOP = "https://shop.example/_stylist/why/object";
/** Origins near the shop's: other schemes, hosts, ports, case, a path or padding. */
const originLike = fc
  .tuple(
    fc.constantFrom("https://", "http://", "HTTPS://", "ftp://", "//"),
    fc.constantFrom("shop.example", "SHOP.example", "shop.example.evil.example", "evil.example", "[::1", ""),
    fc.constantFrom("", ":443", ":8443", "/", "/x", " ", "."),
  )
  .map((parts) => parts.join(""));
/** What a header value can hold (visible ASCII, tab and space; latin-1 is refused by Headers, as by the platform). */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
});

describe("telling the site's own page from any other", () => {
  it("never throws, and says same-origin only for the exact origin or Sec-Fetch-Site: same-origin", () => {
    fc.assert(
      fc.property(
        fc.option(
          fc.oneof(
            headerText,
            originLike,
            fc.constantFrom("null", "https://shop.example", " ", "https://SHOP.example"),
          ),
        ),
        fc.option(fc.oneof(headerText, fc.constantFrom("same-origin", "same-site", "cross-site", "none"))),
        (origin, fetchSite) => {
          const headers = new Headers();
          if (origin !== null) headers.set("origin", origin);
          if (fetchSite !== null) headers.set("sec-fetch-site", fetchSite);
          const site = requestSite(headers, SHOP);
          const sentOrigin = headers.get("origin");
          const sentSite = headers.get("sec-fetch-site");
          if (site === "same-origin") {
            expect(sentOrigin === null || sentOrigin.trim().toLowerCase() === "https://shop.example").toBe(
              true,
            );
            expect(sentSite === null || sentSite.trim().toLowerCase() === "same-origin").toBe(true);
          }
          expect(site === "unknown").toBe(sentOrigin === null && sentSite === null);
        },
      ),
      { seed: 6, numRuns: 300 },
    );
  }, 30_000);

  it("takes Origin: null, another port, another scheme or a trailing slash as another origin", () => {
    for (const origin of [
      "null",
      "https://shop.example:444",
      "http://shop.example",
      "https://shop.example/",
    ]) {
      expect(requestSite(new Headers({ origin }), SHOP)).toBe("cross-origin");
    }
    expect(requestSite(new Headers({ origin: "https://shop.example" }), SHOP)).toBe("same-origin");
  });
});
