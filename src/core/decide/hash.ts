/**
 * Bucketing hash, documented so any tool can reproduce an assignment (see docs/bucketing.md):
 *
 *   bucket = fmix32(fnv1a32(utf8(seed + ":" + visitorId))) / 2^32
 *
 * FNV-1a is simple enough to re-implement anywhere; MurmurHash3's 32-bit finaliser (fmix32) then spreads ids that
 * differ only in their last characters, which FNV alone leaves clustered. Not cryptographic, and it need not be:
 * visitor ids are random and signed, so nobody can choose their bucket.
 */
export function fnv1a32(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const encoder = new TextEncoder();

/** A visitor's position in [0, 1) for one experiment seed. */
export function bucket(seed: string, visitorId: string): number {
  return fmix32(fnv1a32(encoder.encode(`${seed}:${visitorId}`))) / 2 ** 32;
}
