import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPreviewToken, readPreviewToken } from "../../../../src/core/signing/preview.ts";
import { checkServerSignature, signServerEvent } from "../../../../src/core/signing/server-signature.ts";
import { decodeIdentity, encodeIdentity } from "../../../../src/core/visitor/identity.ts";
import { observePageView } from "../../../../src/core/visitor/profile.ts";
import { decodeProfile, encodeProfile } from "../../../../src/core/visitor/profile-cookie.ts";

/** The visitor a profile cookie is signed for, and another. */
const VISITOR = "0123456789abcdef0123456789abcdef";
const OTHER_VISITOR = "fedcba9876543210fedcba9876543210";

/** Seeded and bounded: the same cases on every run. HMAC is async, so each case costs a few microseconds more. */
const RUNS = { seed: 0x5717_0002, numRuns: 300 };
const SECRET = "property-test-secret-0123456789";
const OTHER_SECRET = "property-test-secret-9876543210";
const NOW = Date.UTC(2026, 10, 30, 12);

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const anyText = fc.string({ unit: anyUnit, maxLength: 300 });
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const identity = fc.record({
  id: fc.stringMatching(/^[0-9a-f]{32}$/),
  firstSeen: fc.integer({ min: 0, max: 999_999_999_999 }),
  minted: fc.boolean(),
});

/** One edit to a signed string: change, insert or delete one character, truncate, append, or change case. */
const edit = fc.oneof(
  fc.record({
    kind: fc.constant("set" as const),
    at: fc.nat(),
    char: fc.constantFrom(...B64URL, ".", "=", " "),
  }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), char: fc.constantFrom(...B64URL, ".") }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("append" as const), text: fc.constantFrom("A", ".", "=", "==", " ", "%00") }),
  fc.record({ kind: fc.constant("case" as const), at: fc.nat() }),
);

function applyEdit(text: string, change: typeof edit extends fc.Arbitrary<infer T> ? T : never): string {
  switch (change.kind) {
    case "set": {
      const at = change.at % text.length;
      return text.slice(0, at) + change.char + text.slice(at + 1);
    }
    case "insert": {
      const at = change.at % (text.length + 1);
      return text.slice(0, at) + change.char + text.slice(at);
    }
    case "delete": {
      const at = change.at % text.length;
      return text.slice(0, at) + text.slice(at + 1);
    }
    case "truncate":
      return text.slice(0, change.at % text.length);
    case "append":
      return text + change.text;
    case "case": {
      const at = change.at % text.length;
      const char = text.charAt(at);
      const flipped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
      return text.slice(0, at) + flipped + text.slice(at + 1);
    }
  }
}

describe("visitor identity cookies (property-based)", () => {
  it("never throws on an arbitrary string, and never accepts one it did not sign", async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(anyText, { nil: undefined }), async (cookie) => {
        expect(await decodeIdentity(cookie, SECRET)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("never accepts a well-formed cookie with a made-up signature", async () => {
    const shaped = fc.stringMatching(/^v1\.[0-9a-f]{32}\.\d{1,12}\.[A-Za-z0-9_-]{22}$/);
    await fc.assert(
      fc.asyncProperty(shaped, async (cookie) => {
        expect(await decodeIdentity(cookie, SECRET)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("round-trips every identity it signs, as a returning (not minted) visitor", async () => {
    await fc.assert(
      fc.asyncProperty(identity, async (visitor) => {
        const decoded = await decodeIdentity(await encodeIdentity(visitor, SECRET), SECRET);
        expect(decoded).toEqual({ id: visitor.id, firstSeen: visitor.firstSeen, minted: false });
      }),
      RUNS,
    );
  });

  it("rejects any edit to a signed cookie, and a cookie signed with another secret", async () => {
    await fc.assert(
      fc.asyncProperty(identity, edit, async (visitor, change) => {
        const signed = await encodeIdentity(visitor, SECRET);
        const edited = applyEdit(signed, change);
        fc.pre(edited !== signed);
        expect(await decodeIdentity(edited, SECRET)).toBeUndefined();
        expect(await decodeIdentity(signed, OTHER_SECRET)).toBeUndefined();
      }),
      RUNS,
    );
  });
});

/** Arms small enough that a token stays under the 2,000-character limit whatever the characters. */
const arms = fc
  .uniqueArray(
    fc.tuple(
      fc.string({ unit: anyUnit, minLength: 1, maxLength: 16 }),
      fc.string({ unit: anyUnit, maxLength: 16 }),
    ),
    {
      minLength: 1,
      maxLength: 4,
      selector: ([key]) => key,
    },
  )
  .map((entries) => Object.fromEntries(entries) as Record<string, string>);
const ttl = fc.integer({ min: 1, max: 7 * 24 * 60 * 60 });

describe("preview tokens (property-based)", () => {
  it("never throw on an arbitrary string, and never grant anything they did not sign", async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(anyText, { nil: undefined }), async (token) => {
        expect(await readPreviewToken(token, SECRET, NOW)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("never grant a well-formed token with a made-up signature", async () => {
    const payload = fc
      .jsonValue({ maxDepth: 3 })
      .map((body) =>
        Buffer.from(JSON.stringify({ arms: { hero: "promise" }, exp: 9_999_999_999, extra: body })).toString(
          "base64url",
        ),
      );
    const signature = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);
    await fc.assert(
      fc.asyncProperty(payload, signature, async (body, mac) => {
        expect(await readPreviewToken(`${body}.${mac}`, SECRET, NOW)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("round-trip every set of arms they sign, until the moment they expire", async () => {
    await fc.assert(
      fc.asyncProperty(arms, ttl, async (granted, seconds) => {
        const token = await createPreviewToken(granted, seconds, SECRET, NOW);
        const preview = await readPreviewToken(token, SECRET, NOW);
        expect(preview && Object.fromEntries(preview.arms)).toEqual(granted);
        const expiresAt = (Math.floor(NOW / 1000) + seconds) * 1000;
        expect(preview?.expiresAt).toBe(expiresAt);
        expect(await readPreviewToken(token, SECRET, expiresAt - 1)).toBeDefined();
        expect(await readPreviewToken(token, SECRET, expiresAt)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("reject any edit to a signed token, and a token signed with another secret", async () => {
    await fc.assert(
      fc.asyncProperty(arms, ttl, edit, async (granted, seconds, change) => {
        const token = await createPreviewToken(granted, seconds, SECRET, NOW);
        const edited = applyEdit(token, change);
        fc.pre(edited !== token);
        expect(await readPreviewToken(edited, SECRET, NOW)).toBeUndefined();
        expect(await readPreviewToken(token, OTHER_SECRET, NOW)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("never pass for a visitor cookie, nor a visitor cookie for a preview token", async () => {
    await fc.assert(
      fc.asyncProperty(identity, arms, ttl, async (visitor, granted, seconds) => {
        const cookie = await encodeIdentity(visitor, SECRET);
        const token = await createPreviewToken(granted, seconds, SECRET, NOW);
        expect(await readPreviewToken(cookie, SECRET, NOW)).toBeUndefined();
        expect(await decodeIdentity(token, SECRET)).toBeUndefined();
      }),
      { ...RUNS, numRuns: 100 },
    );
  });
});

/** Profiles as the worker builds them: a few page views of products and categories, from any source. */
const profile = fc
  .tuple(
    fc.array(
      fc.record({
        product: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/), { nil: undefined }),
        category: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/), { nil: undefined }),
        afterSeconds: fc.integer({ min: 0, max: 3 * 24 * 60 * 60 }),
      }),
      { maxLength: 12 },
    ),
    fc.constantFrom("paid", "search", "social", "email", "referral", "direct" as const),
  )
  .map(([views, source]) => {
    let now = NOW;
    let built = observePageView(
      undefined,
      { type: undefined, category: undefined, product: undefined },
      { source, path: "/" },
      now,
    ).profile;
    for (const view of views) {
      now += view.afterSeconds * 1000;
      built = observePageView(
        built,
        { type: view.product ? "product" : undefined, ...view },
        { source, path: "/p" },
        now,
      ).profile;
    }
    return built;
  });

describe("profile cookies (property-based)", () => {
  it("never throw on an arbitrary string, and never accept one they did not sign", async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(anyText, { nil: undefined }), async (cookie) => {
        expect(await decodeProfile(cookie, VISITOR, SECRET)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("round-trip every profile the worker builds, and reject any edit, another secret or another visitor's id", async () => {
    await fc.assert(
      fc.asyncProperty(profile, edit, async (built, change) => {
        const signed = await encodeProfile(built, VISITOR, SECRET);
        expect(await decodeProfile(signed, VISITOR, SECRET)).toEqual(built);
        expect(await decodeProfile(signed, OTHER_VISITOR, SECRET)).toBeUndefined();
        const edited = applyEdit(signed, change);
        fc.pre(edited !== signed);
        expect(await decodeProfile(edited, VISITOR, SECRET)).toBeUndefined();
        expect(await decodeProfile(signed, VISITOR, OTHER_SECRET)).toBeUndefined();
      }),
      { ...RUNS, numRuns: 200 },
    );
  });
});

describe("server event signatures (property-based)", () => {
  const body = fc.json({ maxDepth: 3 });

  it("never accept an arbitrary header", async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(anyText, { nil: null }), body, async (header, text) => {
        expect(await checkServerSignature(header, text, SECRET, NOW)).not.toBe("ok");
      }),
      RUNS,
    );
  });

  it("accept what they sign within five minutes, and nothing after the body or time changed", async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        body,
        fc.integer({ min: -300, max: 300 }),
        fc.integer({ min: 301, max: 10_000_000 }),
        async (text, other, skewSeconds, staleSeconds) => {
          const header = await signServerEvent(text, SECRET, NOW);
          expect(await checkServerSignature(header, text, SECRET, NOW + skewSeconds * 1000)).toBe("ok");
          expect(await checkServerSignature(header, text, SECRET, NOW + staleSeconds * 1000)).toBe("stale");
          expect(await checkServerSignature(header, text, OTHER_SECRET, NOW)).toBe("invalid");
          if (other !== text) expect(await checkServerSignature(header, other, SECRET, NOW)).toBe("invalid");
        },
      ),
      RUNS,
    );
  });
});
