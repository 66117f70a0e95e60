// Request-header parsing kept apart from response writing so the rules can be
// read (and tested) on their own.

/**
 * True when the client accepts gzip: an explicit `gzip`/`x-gzip` with q > 0,
 * or a `*` with q > 0 and no explicit refusal of gzip.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (!header) return false;
  const text = Array.isArray(header) ? header.join(",") : header;
  let gzipQ: number | undefined;
  let wildcardQ: number | undefined;
  for (const part of text.split(",")) {
    const [rawName = "", ...params] = part.split(";");
    const name = rawName.trim().toLowerCase();
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=");
      if (key?.trim().toLowerCase() === "q") {
        const parsed = Number(value?.trim());
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    if (name === "gzip" || name === "x-gzip") gzipQ = Math.max(gzipQ ?? 0, q);
    else if (name === "*") wildcardQ = q;
  }
  if (gzipQ !== undefined) return gzipQ > 0;
  return (wildcardQ ?? 0) > 0;
}

/** If-None-Match uses weak comparison (RFC 9110 §13.1.2), so `W/` is ignored. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === opaque);
}
