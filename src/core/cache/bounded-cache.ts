/**
 * A per-isolate map that forgets its oldest entry once full, for results that are pure functions of their key
 * (a verified signature, a parsed cookie, a user agent's bot verdict). Visitors send the same cookies and user agent
 * on every page view, so a small cache saves the same work on most requests; the bound keeps a flood of distinct
 * keys from growing the isolate's memory.
 */
export interface BoundedCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  readonly size: number;
  clear(): void;
}

export function createBoundedCache<V>(maxEntries: number): BoundedCache<V> {
  const entries = new Map<string, V>();
  return {
    get: (key) => entries.get(key),
    set(key, value) {
      if (entries.size >= maxEntries && !entries.has(key)) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(key, value);
    },
    get size() {
      return entries.size;
    },
    clear: () => entries.clear(),
  };
}
