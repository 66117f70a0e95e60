import { describe, expect, it } from "vitest";
import { compileRules } from "../../src/core/compile.ts";
import { syntheticContext } from "../../src/core/context.ts";
import { decide } from "../../src/core/decide.ts";
import { sharedFreshnessSeconds } from "../../src/core/page-cacheability.ts";
import { SettingsSchema } from "../../src/core/schema/settings.ts";
import { pageCacheKey } from "../../src/worker/page-cache.ts";
import { heroExperiment } from "../fixtures/experiments.ts";

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
    expect(variantKey).toContain("7\n/?utm_source=x\n");
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
