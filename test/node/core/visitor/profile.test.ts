import { describe, expect, it } from "vitest";
import { base64url, sign } from "../../../../src/core/signing/hmac.ts";
import {
  categoryViews,
  observeEvent,
  observePageView,
  type Profile,
  RETENTION_DAYS,
} from "../../../../src/core/visitor/profile.ts";
import {
  decodeProfile,
  encodeProfile,
  MAX_COOKIE_CHARS,
} from "../../../../src/core/visitor/profile-cookie.ts";

/** The visitor a profile cookie is signed for. */
const VISITOR = "0123456789abcdef0123456789abcdef";

const SECRET = "profile-test-secret-0123456789";
const T0 = Date.UTC(2026, 10, 30, 12);
const MIN = 60_000;
const DAY = 86_400_000;
const arrival = { source: "direct" as const, path: "/" };
const category = (slug: string) => ({ type: "category" as const, category: slug, product: undefined });
const product = (slug: string, cat?: string) => ({ type: "product" as const, category: cat, product: slug });
const plain = { type: undefined, category: undefined, product: undefined };

function browse(steps: Array<[number, Parameters<typeof observePageView>[1]]>, start?: Profile) {
  let profile = start;
  let last: ReturnType<typeof observePageView> | undefined;
  for (const [at, view] of steps) {
    last = observePageView(profile, view, arrival, at);
    profile = last.profile;
  }
  return last as ReturnType<typeof observePageView>;
}

describe("the edge profile", () => {
  it("counts category views within a window, so a week's browsing is intent and a stray view is not", () => {
    const result = browse([
      [T0 - 10 * DAY, category("trail-running")],
      [T0 - 2 * DAY, category("trail-running")],
      [T0, category("trail-running")],
    ]);
    expect(categoryViews(result.behaviour, "trail-running", 7)).toBe(2);
    expect(categoryViews(result.behaviour, "trail-running", 30)).toBe(3);
    expect(categoryViews(result.behaviour, "camping", 30)).toBe(0);
  });

  it("forgets views older than the retention window", () => {
    const result = browse([
      [T0 - (RETENTION_DAYS + 1) * DAY, category("camping")],
      [T0, plain],
    ]);
    expect(result.profile.categories).toEqual({});
  });

  it("starts a new session after 30 minutes and remembers the session's landing source and page", () => {
    const first = observePageView(undefined, plain, { source: "paid", path: "/landing" }, T0);
    expect(first).toMatchObject({
      newSession: true,
      profile: { sessions: 1, session: { source: "paid", landing: "/landing" } },
    });
    const sameSession = observePageView(
      first.profile,
      plain,
      { source: "direct", path: "/other" },
      T0 + 20 * MIN,
    );
    expect(sameSession).toMatchObject({
      newSession: false,
      profile: { sessions: 1, session: { source: "paid", landing: "/landing" } },
    });
    const later = observePageView(sameSession.profile, plain, { source: "email", path: "/x" }, T0 + 60 * MIN);
    expect(later).toMatchObject({
      newSession: true,
      profile: { sessions: 2, session: { source: "email", landing: "/x" } },
    });
  });

  it("knows a product page revisit, judged before the current view is added", () => {
    const first = browse([[T0, product("boot-a", "hiking-boots")]]);
    expect(first.behaviour.revisitedProduct).toBe(false);
    const again = browse(
      [
        [T0 + MIN, product("boot-b")],
        [T0 + 2 * MIN, product("boot-a")],
      ],
      first.profile,
    );
    expect(again.behaviour.revisitedProduct).toBe(true);
    expect(again.profile.recent).toEqual(["boot-a", "boot-b"]);
    expect(categoryViews(first.behaviour, "hiking-boots", 1)).toBe(1);
  });

  it("tracks basket adds without a purchase in this session, and purchases across sessions", () => {
    const start = browse([[T0, plain]]).profile;
    const added = observeEvent(start, "add_to_basket", T0 + MIN);
    expect(browse([[T0 + 2 * MIN, plain]], added).behaviour.basketNotPurchased).toBe(true);
    const bought = observeEvent(added, "purchase", T0 + 3 * MIN);
    const after = browse([[T0 + 4 * MIN, plain]], bought);
    expect(after.behaviour).toMatchObject({ basketNotPurchased: false, purchases: 1 });
    const nextSession = browse([[T0 + 2 * 60 * MIN, plain]], after.profile);
    expect(nextSession.behaviour).toMatchObject({ basketNotPurchased: false, purchases: 1 });
  });

  it("records a purchase on the confirmation page once per session", () => {
    const purchase = { type: "purchase" as const, category: undefined, product: undefined };
    const result = browse([
      [T0, purchase],
      [T0 + MIN, purchase],
    ]);
    expect(result.profile.purchases).toBe(1);
  });
});

describe("the profile cookie", () => {
  const profile = browse([
    [T0, category("trail-running")],
    [T0 + MIN, product("skarn-6", "trail-running")],
  ]).profile;

  it("round-trips through its signed form", async () => {
    expect(await decodeProfile(await encodeProfile(profile, VISITOR, SECRET), VISITOR, SECRET)).toEqual(
      profile,
    );
  });

  it("is ignored when tampered with, signed with another key, malformed or oversized", async () => {
    const value = await encodeProfile(profile, VISITOR, SECRET);
    const [payload, signature] = value.split(".") as [string, string];
    const forged = base64url(new TextEncoder().encode(JSON.stringify({ v: 1, n: 99 })));
    expect(await decodeProfile(`${forged}.${signature}`, VISITOR, SECRET)).toBeUndefined();
    expect(await decodeProfile(value, VISITOR, "another-secret-0123456789")).toBeUndefined();
    // Another visitor's id with this visitor's genuine profile cookie: not theirs.
    expect(await decodeProfile(value, "f".repeat(32), SECRET)).toBeUndefined();
    expect(await decodeProfile(`${payload}.`, VISITOR, SECRET)).toBeUndefined();
    expect(await decodeProfile("x".repeat(MAX_COOKIE_CHARS + 1), VISITOR, SECRET)).toBeUndefined();
  });

  it("is ignored when it is from an older format, even if validly signed", async () => {
    const old = base64url(new TextEncoder().encode(JSON.stringify({ v: 0, sessions: 3 })));
    expect(
      await decodeProfile(`${old}.${await sign(`profile.v2.${VISITOR}.${old}`, SECRET)}`, VISITOR, SECRET),
    ).toBeUndefined();
  });

  it("stays under its size cap by dropping the oldest signals first", async () => {
    let big: Profile = profile;
    for (let i = 0; i < 12; i++) {
      for (let j = 0; j < 10; j++)
        big = observePageView(
          big,
          category(`category-with-a-long-name-${i}`),
          arrival,
          T0 + i * MIN + j,
        ).profile;
    }
    for (let i = 0; i < 40; i++)
      big = observePageView(
        big,
        product(`a-rather-long-product-slug-number-${i}`),
        arrival,
        T0 + DAY + i,
      ).profile;
    const value = await encodeProfile(big, VISITOR, SECRET);
    expect(value.length).toBeLessThanOrEqual(MAX_COOKIE_CHARS);
    const decoded = await decodeProfile(value, VISITOR, SECRET);
    expect(decoded?.recent[0]).toBe("a-rather-long-product-slug-number-39");
  });
});
