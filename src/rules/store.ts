/**
 * Where snapshots and the active pointer live. Three implementations share this: a KV binding (the worker's
 * tests and the CLI's --local mode through wrangler's platform proxy) and the Cloudflare REST API (CLI remote mode).
 */
export interface RuleStore {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, metadata?: SnapshotMetadata): Promise<void>;
  /** Every key with this prefix, with its metadata, following pagination to the end. */
  list(prefix: string): Promise<Array<{ name: string; metadata?: unknown }>>;
}

/** Stored beside each snapshot so `history` can list versions without reading every value. */
export interface SnapshotMetadata {
  version: number;
  createdAt: string;
  author: string;
  message: string;
  experiments: number;
}

/** The KV binding's API, reduced to what a RuleStore needs. */
export interface KvLike {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string, options?: { metadata?: unknown }): Promise<void>;
  list(options: { prefix: string; cursor?: string }): Promise<{
    keys: Array<{ name: string; metadata?: unknown }>;
    list_complete: boolean;
    cursor?: string;
  }>;
}

export function kvRuleStore(kv: KvLike): RuleStore {
  return {
    get: (key) => kv.get(key, "text"),
    put: (key, value, metadata) => kv.put(key, value, metadata ? { metadata } : undefined),
    async list(prefix) {
      const keys: Array<{ name: string; metadata?: unknown }> = [];
      let cursor: string | undefined;
      do {
        const page = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
        keys.push(...page.keys);
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
      return keys;
    },
  };
}
