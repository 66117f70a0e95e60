import { describe, expect, it } from "vitest";
import { bucket, fmix32, fnv1a32 } from "../../../../src/core/decide/hash.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("bucketing hash", () => {
  it("matches the published FNV-1a 32-bit test vectors", () => {
    // Test vectors from the FNV reference suite (Fowler/Noll/Vo, "FNV Hash" test vectors: fnv1a32 of "", "a", "foobar").
    expect(fnv1a32(bytes(""))).toBe(0x811c9dc5);
    expect(fnv1a32(bytes("a"))).toBe(0xe40c292c);
    expect(fnv1a32(bytes("foobar"))).toBe(0xbf9cf968);
  });

  it("applies MurmurHash3's fmix32 finaliser exactly", () => {
    // fmix32(0) is 0 by construction; fmix32(1) = 0x514e28b7 (MurmurHash3_x86_32 finaliser, checked against smhasher's fmix32).
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
  });

  it("is deterministic and stays in [0, 1)", () => {
    const id = "0123456789abcdef0123456789abcdef";
    expect(bucket("seed", id)).toBe(bucket("seed", id));
    expect(bucket("seed", id)).not.toBe(bucket("other-seed", id));
    for (let i = 0; i < 1_000; i++) {
      const value = bucket("s", i.toString(16).padStart(32, "0"));
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it("spreads sequential ids uniformly across ten buckets (chi-square below the p = 0.001 critical value)", () => {
    const bins = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const index = Math.floor(bucket("uniformity", i.toString(16).padStart(32, "0")) * 10);
      bins[index] = (bins[index] ?? 0) + 1;
    }
    const expected = n / 10;
    const chiSquare = bins.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    // R: qchisq(0.999, df = 9) = 27.87716
    expect(chiSquare).toBeLessThan(27.87716);
  });
});
