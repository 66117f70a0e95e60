/**
 * A Map split into shards, because one V8 Map holds at most 2²⁴ = 16,777,216 entries and then throws
 * "RangeError: Map maximum size exceeded" — a report of a large test would die half-way through with it.
 * Keys go to one of 256 shards by a hash of the key, so the aggregator can hold 256 × 2²⁴ ≈ 4.3 billion
 * visitors before memory, not the Map, is the limit. A shard that still fills up fails with a message that says
 * what happened and what to do, instead of V8's.
 */

/** Entries one V8 Map can hold (2²⁴). */
export const MAP_LIMIT = 16_777_216;
const SHARDS = 256;

export class ReportTooLargeError extends Error {}

/** FNV-1a over the key's UTF-16 code units, folded to a shard index. */
function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SHARDS;
}

export interface ShardedMapOptions {
  /** Entries per shard before it refuses more (tests inject a small one); default the V8 limit. */
  shardLimit?: number;
  /** What the entries are, for the error: "visitors", "order ids". */
  what: string;
}

export class ShardedMap<V> {
  readonly #shards: Map<string, V>[] = Array.from({ length: SHARDS }, () => new Map());
  readonly #limit: number;
  readonly #what: string;

  constructor(options: ShardedMapOptions) {
    this.#limit = Math.min(options.shardLimit ?? MAP_LIMIT, MAP_LIMIT);
    this.#what = options.what;
  }

  get(key: string): V | undefined {
    return this.#shards[shardOf(key)]?.get(key);
  }

  has(key: string): boolean {
    return this.#shards[shardOf(key)]?.has(key) ?? false;
  }

  set(key: string, value: V): void {
    const shard = this.#shards[shardOf(key)] as Map<string, V>;
    if (shard.size >= this.#limit && !shard.has(key)) {
      throw new ReportTooLargeError(
        `too many ${this.#what} for one report pass (one of ${SHARDS} shards reached ${this.#limit.toLocaleString("en-GB")} entries, about ${(this.size).toLocaleString("en-GB")} in all): narrow the report with --experiment and --phase, or compute the sums in SQL (docs/report.md "Per-visitor rules")`,
      );
    }
    shard.set(key, value);
  }

  get size(): number {
    let size = 0;
    for (const shard of this.#shards) size += shard.size;
    return size;
  }
}

/** A set on the same shards. */
export class ShardedSet {
  readonly #map: ShardedMap<true>;
  constructor(options: ShardedMapOptions) {
    this.#map = new ShardedMap(options);
  }
  has(key: string): boolean {
    return this.#map.has(key);
  }
  add(key: string): void {
    this.#map.set(key, true);
  }
  get size(): number {
    return this.#map.size;
  }
}
