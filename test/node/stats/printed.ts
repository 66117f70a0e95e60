import { expect } from "vitest";

/**
 * Asserts that `actual` rounds to a reference value exactly as the source printed it: "0.001349898" passes for
 * anything within half a unit of its last digit (5e-10), "7.619853e-24" within 5e-31. Quoting the printed
 * string keeps each test honest about how many digits the source gives.
 */
export function expectPrinted(actual: number, printed: string): void {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(printed);
  if (!match) throw new Error(`unparseable reference value ${printed}`);
  const decimals = match[3]?.length ?? 0;
  const exponent = Number(match[4] ?? 0);
  const halfUnit = 0.5 * 10 ** (exponent - decimals);
  const expected = Number(printed);
  const error = Math.abs(actual - expected);
  // A relative slack of 1e-12 absorbs the binary representation of the decimal reference itself.
  expect(error, `expected ${actual} to round to ${printed}`).toBeLessThanOrEqual(
    halfUnit * (1 + 1e-9) + Math.abs(expected) * 1e-12,
  );
}

/** Asserts a relative error below `tolerance` (for identities and closed forms, not printed references). */
export function expectRelative(actual: number, expected: number, tolerance: number): void {
  const error = Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
  expect(error, `expected ${actual} ≈ ${expected}`).toBeLessThanOrEqual(tolerance);
}

/** mulberry32: a tiny seeded PRNG (public domain, Tommy Ettinger), so simulations are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
