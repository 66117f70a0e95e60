/**
 * Where two reports differ: every leaf equal, numbers to 1e-9 relative to their size (absolute below 1) — the
 * tolerance the SQL and streamed computations are held to (capped revenue adds doubles in another order).
 */
export function differences(a: unknown, b: unknown, path = "$", found: string[] = []): string[] {
  if (typeof a === "number" && typeof b === "number") {
    if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))))
      found.push(`${path}: ${a} vs ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) found.push(`${path}: length ${a.length} vs ${b.length}`);
    else for (let i = 0; i < a.length; i++) differences(a[i], b[i], `${path}[${i}]`, found);
  } else if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys)
      differences(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${path}.${key}`,
        found,
      );
  } else if (a !== b) found.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  return found;
}
