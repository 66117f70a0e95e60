/**
 * A seeded random source, so a bandit's reweight and every simulation can be replayed exactly: the same seed gives
 * the same weights in a test, on a laptop and in the scheduled worker. sfc32 (Chris Doty-Humphrey's Small Fast
 * Counter, 128-bit state) passes PractRand to 2^40 bytes and needs nothing but 32-bit integer arithmetic.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
}

/** A Random from a 32-bit seed; the state is warmed up so nearby seeds give unrelated streams. */
export function seededRandom(seed: number): Random {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) next32();
  let spare: number | undefined;
  const next = () => next32() / 2 ** 32;
  return {
    next,
    normal() {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      // Box–Muller; 1 − u keeps the logarithm finite.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      const angle = 2 * Math.PI * next();
      spare = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
  };
}
