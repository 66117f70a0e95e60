import { describe, expect, it } from "vitest";
import { createBoundedCache } from "../../../../src/core/cache/bounded-cache.ts";
import { decodeIdentity, encodeIdentity } from "../../../../src/core/visitor/identity.ts";
import { observePageView } from "../../../../src/core/visitor/profile.ts";
import { decodeProfile, encodeProfile } from "../../../../src/core/visitor/profile-cookie.ts";

/** The visitor a profile cookie is signed for. */
const VISITOR = "0123456789abcdef0123456789abcdef";

const SECRET = "bounded-cache-test-secret-0123456789";

describe("the isolate's bounded caches", () => {
  it("forgets the oldest entry once full and never holds more than its bound", () => {
    const cache = createBoundedCache<number>(3);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect(cache.get("k6")).toBeUndefined();
    expect([cache.get("k7"), cache.get("k8"), cache.get("k9")]).toEqual([7, 8, 9]);
  });

  it("still refuses a forged visitor cookie after the genuine one has been verified and cached", async () => {
    const genuine = await encodeIdentity(
      { id: "a".repeat(32), firstSeen: 1_700_000_000, minted: false },
      SECRET,
    );
    expect(await decodeIdentity(genuine, SECRET)).toMatchObject({ id: "a".repeat(32) });
    expect(await decodeIdentity(genuine, SECRET)).toMatchObject({ id: "a".repeat(32) });
    const forged = genuine.replace(/\.1700000000\./, ".1600000000.");
    expect(await decodeIdentity(forged, SECRET)).toBeUndefined();
    expect(await decodeIdentity(genuine, "another-secret-0123456789abcdef")).toBeUndefined();
  });

  it("hands every page view the same frozen profile, so no caller can change what the next one reads", async () => {
    const { profile } = observePageView(
      undefined,
      { type: "category", category: "boots", product: undefined },
      { source: "direct", path: "/c/boots" },
      1_764_000_000_000,
    );
    const cookie = await encodeProfile(profile, VISITOR, SECRET);
    const first = await decodeProfile(cookie, VISITOR, SECRET);
    const second = await decodeProfile(cookie, VISITOR, SECRET);
    if (!first) throw new Error("the profile did not decode");
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.categories)).toBe(true);
    expect(() => {
      (first.recent as string[]).push("x");
    }).toThrow(TypeError);
    expect(first.categories).toEqual(profile.categories);
  });
});
