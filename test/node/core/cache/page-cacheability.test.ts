import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  mayShareAcrossVisitors,
  sharedFreshnessSeconds,
} from "../../../../src/core/cache/page-cacheability.ts";
import { compileRules } from "../../../../src/core/decide/compile.ts";
import { decide } from "../../../../src/core/decide/decide.ts";
import { SettingsSchema } from "../../../../src/core/schema/settings.ts";
import { syntheticContext } from "../../../../src/core/visitor/context.ts";
import { pageCacheKey } from "../../../../src/worker/page-cache.ts";
import { heroExperiment } from "../../../fixtures/experiments.ts";

const fresh = (response: Record<string, string>, request: Record<string, string> = {}) =>
  sharedFreshnessSeconds(new Headers(response), new Headers(request));

describe("how long an origin page may be shared (RFC 9111)", () => {
  it("takes s-maxage over max-age, less the Age the response already has", () => {
    expect(fresh({ "cache-control": "public, max-age=60" })).toBe(60);
    expect(fresh({ "cache-control": "max-age=600, s-maxage=30" })).toBe(30);
    expect(fresh({ "cache-control": "public, max-age=60", age: "45" })).toBe(15);
    expect(fresh({ "cache-control": "public, max-age=60", age: "60" })).toBeUndefined();
    expect(fresh({ "cache-control": 'public, max-age="120"' })).toBe(120);
  });

  it("refuses anything one person's or not meant for shared caches", () => {
    expect(fresh({ "cache-control": "max-age=60" })).toBeUndefined();
    expect(fresh({ "cache-control": "public" })).toBeUndefined();
    expect(fresh({ "cache-control": "public, private, max-age=60" })).toBeUndefined();
    expect(fresh({ "cache-control": "PUBLIC, NO-STORE, max-age=60" })).toBeUndefined();
    expect(fresh({ "cache-control": "public, max-age=60", "set-cookie": "a=b" })).toBeUndefined();
    expect(fresh({ "cache-control": "public, max-age=60", vary: "Accept-Encoding, Cookie" })).toBeUndefined();
    expect(fresh({ "cache-control": "public, max-age=60", vary: "*" })).toBeUndefined();
    expect(fresh({ "cache-control": "public, max-age=60" }, { authorization: "Basic eDp5" })).toBeUndefined();
    expect(fresh({ "cache-control": "public, max-age=-5" })).toBeUndefined();
  });

  it("obeys CDN-Cache-Control, Cloudflare-CDN-Cache-Control, Surrogate-Control and Pragma: the strictest wins", () => {
    const cc = { "cache-control": "public, max-age=600" };
    expect(fresh({ ...cc, "cdn-cache-control": "max-age=30" })).toBe(30);
    expect(
      fresh({ ...cc, "cloudflare-cdn-cache-control": "s-maxage=20", "cdn-cache-control": "max-age=30" }),
    ).toBe(20);
    expect(fresh({ ...cc, "surrogate-control": "max-age=10" })).toBe(10);
    expect(fresh({ ...cc, "cdn-cache-control": "max-age=9000" })).toBe(600);
    for (const forbid of ["no-store", "private", "no-cache", "max-age=0", "stale-while-revalidate=5"]) {
      expect(fresh({ ...cc, "cdn-cache-control": forbid })).toBeUndefined();
      expect(fresh({ ...cc, "cloudflare-cdn-cache-control": forbid })).toBeUndefined();
      expect(fresh({ ...cc, "surrogate-control": forbid })).toBeUndefined();
    }
    expect(fresh({ ...cc, pragma: "no-cache" })).toBeUndefined();
  });

  it("allows a Vary on encoding alone", () => {
    expect(fresh({ "cache-control": "public, max-age=60", vary: "accept-encoding" })).toBe(60);
  });
});

describe("the key a rendered page is kept under", () => {
  const rules = (pageCache = { enabled: true, maxSeconds: 60 }) =>
    compileRules({
      version: 7,
      experiments: [heroExperiment()],
      killed: [],
      settings: SettingsSchema.parse({ pageCache }),
    });
  const url = new URL("https://shop.example/?utm_source=x");
  const armOf = (id: string) => decide(syntheticContext({ visitorId: id, path: "/" }), rules())[0]?.arm;
  const ids = Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(32, "0"));

  it("differs between arms and is shared within one, with the rules version and query in it", () => {
    const compiled = rules();
    const control = ids.find((id) => armOf(id) === "control") as string;
    const variant = ids.find((id) => armOf(id) === "promise") as string;
    const keyFor = (id: string) =>
      pageCacheKey(compiled, url, decide(syntheticContext({ visitorId: id, path: "/" }), compiled));
    const variantKey = keyFor(variant);
    expect(keyFor(control)).not.toBe(variantKey);
    expect(keyFor(ids.filter((id) => armOf(id) === "promise")[1] as string)).toBe(variantKey);
    expect(variantKey).toContain("7\nhttps://shop.example/?utm_source=x\n");
    const otherHost = pageCacheKey(
      compiled,
      new URL("https://evil.example/?utm_source=x"),
      decide(syntheticContext({ visitorId: variant, path: "/" }), compiled),
    );
    expect(otherHost).not.toBe(variantKey);
  });

  it("is absent for an arm that renders the visitor's own product lists, but present for that experiment's control", () => {
    const compiled = compileRules({
      version: 3,
      experiments: [
        heroExperiment({
          variants: [
            { id: "control", weight: 50 },
            {
              id: "recent",
              weight: 50,
              ops: [{ op: "recentlyViewed", selector: "#hero", position: "append" }],
            },
          ],
        }),
      ],
      killed: [],
      settings: SettingsSchema.parse({ pageCache: { enabled: true } }),
    });
    const keyFor = (id: string) =>
      pageCacheKey(compiled, url, decide(syntheticContext({ visitorId: id, path: "/" }), compiled));
    const armFor = (id: string) => decide(syntheticContext({ visitorId: id, path: "/" }), compiled)[0]?.arm;
    const control = ids.find((id) => armFor(id) === "control") as string;
    const recent = ids.find((id) => armFor(id) === "recent") as string;
    expect(keyFor(control)).toContain("hero-headline=control@1");
    expect(keyFor(recent)).toBeUndefined();
  });

  it("is absent when the setting is off", () => {
    const compiled = rules({ enabled: false, maxSeconds: 60 });
    expect(
      pageCacheKey(
        compiled,
        url,
        decide(syntheticContext({ visitorId: ids[0] as string, path: "/" }), compiled),
      ),
    ).toBeUndefined();
  });
});

describe("which requests may share a kept page", () => {
  const none = { ignoreCookiesOn: [] };
  const stylist = ["stylist_vid", "stylist_p", "stylist_preview", "stylist_objection"];
  const share = (
    cookie: string | undefined,
    path = "/p",
    policy: Parameters<typeof mayShareAcrossVisitors>[2] = none,
  ) => mayShareAcrossVisitors(new Headers(cookie === undefined ? {} : { cookie }), path, policy);

  it("shares requests with no cookies, or only Stylist's own and the consent cookie", () => {
    expect(share(undefined)).toBe(true);
    expect(share("stylist_vid=v1.x; stylist_p=y")).toBe(true);
    expect(share("stylist_vid=a; cmp=yes", "/p", { ignoreCookiesOn: [], consentCookie: "cmp" })).toBe(true);
  });

  it("never shares a request with Authorization, whatever the rules say", () => {
    const headers = new Headers({ authorization: "Bearer x" });
    expect(mayShareAcrossVisitors(headers, "/p", { ignoreCookiesOn: [/^\/p$/] })).toBe(false);
  });

  it("never shares a request carrying any other cookie, of any name, unless its path is declared cookie-blind", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...stylist), { maxLength: 4 }),
        fc.string({ maxLength: 20 }).filter((name) => !/[;=]/.test(name) && !stylist.includes(name.trim())),
        fc.string({ maxLength: 20 }).filter((value) => !value.includes(";")),
        fc.nat(4),
        (ours, name, value, at) => {
          const parts = ours.map((cookie) => `${cookie}=v`);
          parts.splice(
            Math.min(at, parts.length),
            0,
            name.trim() === "" && value === "" ? "x" : `${name}=${value}`,
          );
          const header = parts.join("; ");
          expect(share(header)).toBe(false);
          expect(share(header, "/products/boot", { ignoreCookiesOn: [/^\/products\/[^/]+\/?$/] })).toBe(true);
        },
      ),
      { seed: 4, numRuns: 300 },
    );
  });
});
