import { describe, expect, it } from "vitest";
import {
  decodeIdentity,
  encodeIdentity,
  identityCookie,
  mintIdentity,
  resolveIdentity,
} from "../../../../src/core/visitor/identity.ts";

const SECRET = "unit-test-secret-0123456789";
const NOW = Date.UTC(2026, 10, 30, 12);

describe("visitor identity cookie", () => {
  it("round-trips a minted identity through its signed form", async () => {
    const minted = mintIdentity(NOW);
    expect(minted.id).toMatch(/^[0-9a-f]{32}$/);
    const decoded = await decodeIdentity(await encodeIdentity(minted, SECRET), SECRET);
    expect(decoded).toEqual({ id: minted.id, firstSeen: minted.firstSeen, minted: false });
  });

  it("rejects a cookie whose id, first-seen time or signature was changed", async () => {
    const value = await encodeIdentity(mintIdentity(NOW), SECRET);
    const [format, id, firstSeen, signature] = value.split(".") as [string, string, string, string];
    const flip = (text: string) => (text[0] === "a" ? "b" : "a") + text.slice(1);
    expect(await decodeIdentity([format, flip(id), firstSeen, signature].join("."), SECRET)).toBeUndefined();
    expect(await decodeIdentity([format, id, "1", signature].join("."), SECRET)).toBeUndefined();
    expect(await decodeIdentity([format, id, firstSeen, flip(signature)].join("."), SECRET)).toBeUndefined();
    expect(await decodeIdentity(value, "another-secret-0123456789")).toBeUndefined();
  });

  it.each(["", "garbage", "v2.x.y.z", `v1.${"0".repeat(32)}.1.short`, "v1.".repeat(100)])(
    "treats the malformed cookie %j as absent",
    async (cookie) => {
      expect(await decodeIdentity(cookie, SECRET)).toBeUndefined();
    },
  );

  it("mints a new identity when the Cookie header has none, and keeps a valid one", async () => {
    const fresh = await resolveIdentity("other=1", SECRET, NOW);
    expect(fresh.minted).toBe(true);
    const header = (await identityCookie(fresh, SECRET)).split(";")[0] as string;
    const again = await resolveIdentity(`other=1; ${header}`, SECRET, NOW + 1000);
    expect(again).toEqual({ id: fresh.id, firstSeen: fresh.firstSeen, minted: false });
  });

  it("sets the cookie first-party, HttpOnly, Secure, SameSite=Lax for 400 days", async () => {
    const cookie = await identityCookie(mintIdentity(NOW), SECRET);
    expect(cookie).toMatch(
      /^stylist_vid=v1\.[0-9a-f]{32}\.\d+\.[\w-]{22}; Path=\/; Max-Age=34560000; Secure; SameSite=Lax; HttpOnly$/,
    );
  });
});
