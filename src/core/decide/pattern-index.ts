import { compilePagePattern } from "./page-pattern.ts";

interface Entry<T> {
  pattern: RegExp;
  value: T;
}

/**
 * Wildcard page patterns grouped by their literal prefix (everything before the first `*`), which every path they
 * match must start with. A path then tests only the patterns whose prefix it starts with — a few map lookups instead
 * of one regular expression per rule, so a thousand rules cost about what ten do.
 */
export interface PatternIndex<T> {
  byPrefix: Map<string, Array<Entry<T>>>;
  /** The distinct prefix lengths, shortest first: the only slices of a path worth looking up. */
  lengths: number[];
}

export function buildPatternIndex<T>(patterns: ReadonlyArray<{ page: string; value: T }>): PatternIndex<T> {
  const byPrefix = new Map<string, Array<Entry<T>>>();
  for (const { page, value } of patterns) {
    const prefix = page.slice(0, page.indexOf("*"));
    const list = byPrefix.get(prefix);
    const entry = { pattern: compilePagePattern(page), value };
    if (list) list.push(entry);
    else byPrefix.set(prefix, [entry]);
  }
  const lengths = [...new Set([...byPrefix.keys()].map((prefix) => prefix.length))].sort((a, b) => a - b);
  return { byPrefix, lengths };
}

/** Calls `found` with the value of every pattern that matches `path`, grouped by prefix, shortest prefix first. */
export function matchPatterns<T>(index: PatternIndex<T>, path: string, found: (value: T) => void): void {
  for (const length of index.lengths) {
    if (length > path.length) return;
    const entries = index.byPrefix.get(path.slice(0, length));
    if (!entries) continue;
    for (const entry of entries) if (entry.pattern.test(path)) found(entry.value);
  }
}
