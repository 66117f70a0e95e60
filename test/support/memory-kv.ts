import type { KvLike } from "../../src/rules/store.ts";

/** An in-memory KV with the binding's list pagination, for unit tests of rule storage. */
export function memoryKv(pageSize = 2) {
  const values = new Map<string, { value: string; metadata?: unknown }>();
  let reads = 0;
  const kv: KvLike = {
    async get(key) {
      reads++;
      return values.get(key)?.value ?? null;
    },
    async put(key, value, options) {
      values.set(key, { value, metadata: options?.metadata });
    },
    async list({ prefix, cursor }) {
      const names = [...values.keys()].filter((name) => name.startsWith(prefix)).sort();
      const start = cursor ? Number(cursor) : 0;
      const page = names.slice(start, start + pageSize);
      const next = start + pageSize;
      return {
        keys: page.map((name) => ({ name, metadata: values.get(name)?.metadata })),
        list_complete: next >= names.length,
        ...(next < names.length ? { cursor: String(next) } : {}),
      };
    },
  };
  return { kv, values, reads: () => reads };
}
