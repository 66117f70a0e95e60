/**
 * A Map that grows past V8's limit: one V8 Map holds at most 2²⁴ = 16,777,216 entries and then throws
 * "RangeError: Map maximum size exceeded", so a report of a large test would die half-way through. Entries go into
 * one Map until it is full, then into another; a lookup asks each in turn. Below 16.7 million entries (every test
 * we know of) that is exactly one Map and costs nothing extra; beyond, a lookup costs one probe per 16.7 million.
 * After `MAX_SHARDS` full Maps (over a billion entries) memory, not the Map, is the limit long before, and the
 * report stops with a message that says what to do instead of V8's.
 */

/** Entries one V8 Map can hold (2²⁴). */
const MAP_LIMIT = 16_777_216;
const MAX_SHARDS = 64;

class ReportTooLargeError extends Error {}

export interface ShardedMapOptions {
  /** Entries per Map before the next one is opened (tests inject a small one); default the V8 limit. */
  shardLimit?: number;
  /** Most Maps to open (tests inject a small number); default 64. */
  maxShards?: number;
  /** What the entries are, for the error: "visitors", "order ids". */
  what: string;
}

export class ShardedMap<V> {
  readonly #shards: Map<string, V>[] = [new Map()];
  readonly #limit: number;
  readonly #maxShards: number;
  readonly #what: string;

  constructor(options: ShardedMapOptions) {
    this.#limit = Math.min(options.shardLimit ?? MAP_LIMIT, MAP_LIMIT);
    this.#maxShards = options.maxShards ?? MAX_SHARDS;
    this.#what = options.what;
  }

  get(key: string): V | undefined {
    for (const shard of this.#shards) {
      const value = shard.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.#shards.some((shard) => shard.has(key));
  }

  set(key: string, value: V): void {
    const owner = this.#shards.find((shard) => shard.has(key));
    if (owner) {
      owner.set(key, value);
      return;
    }
    let last = this.#shards[this.#shards.length - 1] as Map<string, V>;
    if (last.size >= this.#limit) {
      if (this.#shards.length >= this.#maxShards) {
        throw new ReportTooLargeError(
          `too many ${this.#what} for one report pass (${this.size.toLocaleString("en-GB")}): narrow the report with --experiment and --phase, or compute the sums in SQL (docs/report.md "Per-visitor rules")`,
        );
      }
      last = new Map();
      this.#shards.push(last);
    }
    last.set(key, value);
  }

  get size(): number {
    return this.#shards.reduce((size, shard) => size + shard.size, 0);
  }
}

/** A set on the same Maps. */
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
