import { describe, expect, it } from "vitest";
import { redirectTarget } from "../../../../src/core/page-view/redirect.ts";
import { createPreviewToken, readPreviewToken } from "../../../../src/core/signing/preview.ts";

const SECRET = "preview-test-secret-0123456789";
const NOW = Date.UTC(2026, 10, 30, 12);

describe("preview tokens", () => {
  it("grant the arms they were signed for until they expire", async () => {
    const token = await createPreviewToken({ hero: "promise" }, 3_600, SECRET, NOW);
    const preview = await readPreviewToken(token, SECRET, NOW + 1_000);
    expect([...(preview?.arms ?? [])]).toEqual([["hero", "promise"]]);
    expect(await readPreviewToken(token, SECRET, NOW + 3_600_000)).toBeUndefined();
  });

  it("are ignored when tampered with, signed with another secret, or malformed", async () => {
    const token = await createPreviewToken({ hero: "promise" }, 3_600, SECRET, NOW);
    const [payload, signature] = token.split(".") as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ arms: { hero: "control" }, exp: NOW / 1000 + 3_600 }),
    ).toString("base64url");
    expect(await readPreviewToken(`${forged}.${signature}`, SECRET, NOW)).toBeUndefined();
    expect(
      await readPreviewToken(
        `${payload}.${signature.replace(/^./, (c) => (c === "A" ? "B" : "A"))}`,
        SECRET,
        NOW,
      ),
    ).toBeUndefined();
    expect(await readPreviewToken(token, "another-secret-0123456789", NOW)).toBeUndefined();
    for (const junk of ["", "x", "a.b", `${payload}.`, ".".repeat(3000)])
      expect(await readPreviewToken(junk, SECRET, NOW)).toBeUndefined();
  });

  it("refuse lifetimes beyond a week", async () => {
    await expect(createPreviewToken({ hero: "b" }, 8 * 86_400, SECRET, NOW)).rejects.toThrow(/7 days/);
  });
});

describe("split-URL redirect targets", () => {
  const page = new URL("https://shop.example/landing?utm_source=google&x=1");

  it("keeps the visitor's query string, the variant's own parameters winning", () => {
    expect(redirectTarget("/landing-b?x=2", page, [])?.toString()).toBe(
      "https://shop.example/landing-b?x=2&utm_source=google",
    );
  });

  it("never leaves the storefront except for allowed hosts over https", () => {
    expect(redirectTarget("https://evil.example/", page, [])).toBeUndefined();
    expect(redirectTarget("//evil.example/", page, [])).toBeUndefined();
    expect(redirectTarget("http://partner.example/", page, ["partner.example"])).toBeUndefined();
    expect(redirectTarget("https://partner.example/x", page, ["partner.example"])?.host).toBe(
      "partner.example",
    );
    expect(redirectTarget("javascript:alert(1)", page, [])).toBeUndefined();
  });

  it("refuses to redirect a page to itself", () => {
    expect(redirectTarget("/landing", page, [])).toBeUndefined();
  });
});
