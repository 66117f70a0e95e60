import { describe, expect, it } from "vitest";
import { observeEvent, observePageView } from "../../../../src/core/visitor/profile.ts";
import { decodeProfile, encodeProfile } from "../../../../src/core/visitor/profile-cookie.ts";

const VISITOR = "0123456789abcdef0123456789abcdef";
const SECRET = "profile-test-secret-0123456789";
const T0 = Date.UTC(2026, 10, 30, 12);
const MIN = 60_000;
const arrival = { source: "direct" as const, path: "/" };
const plain = { type: undefined, category: undefined, product: undefined };

describe("the products a visitor's own page reports, for recommendations", () => {
  it("keeps basket adds for the session, moves them to what was bought on an order, and forgets the basket in a new session", async () => {
    const start = observePageView(undefined, plain, arrival, T0).profile;
    const added = observeEvent(
      observeEvent(start, "add_to_basket", T0 + MIN, ["tent"]),
      "add_to_basket",
      T0 + 2 * MIN,
      ["mat"],
    );
    expect(added.basket).toEqual(["mat", "tent"]);
    const sameSession = observePageView(added, plain, arrival, T0 + 3 * MIN).profile;
    expect(sameSession.basket).toEqual(["mat", "tent"]);
    const nextSession = observePageView(added, plain, arrival, T0 + 120 * MIN).profile;
    expect(nextSession.basket).toBeUndefined();
    const ordered = observeEvent(added, "purchase", T0 + 4 * MIN, ["stove"]);
    expect(ordered.basket).toBeUndefined();
    expect(ordered.bought).toEqual(["stove", "mat", "tent"]);
    expect(ordered.purchases).toBe(1);
    expect(observePageView(ordered, plain, arrival, T0 + 240 * MIN).profile.bought).toEqual([
      "stove",
      "mat",
      "tent",
    ]);
    // Both survive the signed cookie, and a cookie written before them still reads.
    expect(await decodeProfile(await encodeProfile(ordered, VISITOR, SECRET), VISITOR, SECRET)).toEqual(
      ordered,
    );
    expect(await decodeProfile(await encodeProfile(start, VISITOR, SECRET), VISITOR, SECRET)).toEqual(start);
  });

  it("caps the basket and what was bought at ten products each, newest first", () => {
    let profile = observePageView(undefined, plain, arrival, T0).profile;
    for (let i = 0; i < 15; i++) profile = observeEvent(profile, "add_to_basket", T0 + i * 1_000, [`p${i}`]);
    expect(profile.basket).toHaveLength(10);
    expect(profile.basket?.[0]).toBe("p14");
    profile = observeEvent(profile, "purchase", T0 + 20_000, ["x"]);
    expect(profile.bought).toHaveLength(10);
    expect(profile.bought?.[0]).toBe("x");
  });
});
