/**
 * Headers for a page Stylist personalised. The body length changes, so Content-Length goes; a strong ETag would
 * promise byte-identical bodies across arms, so it goes too (a weak one stays). `private` keeps every shared cache
 * from handing one visitor's arm to another; `no-cache` still allows the back/forward cache.
 */
export function markPersonalised(headers: Headers): void {
  headers.delete("content-length");
  const etag = headers.get("etag");
  if (etag && !etag.startsWith("W/")) headers.delete("etag");
  headers.set("cache-control", "private, no-cache");
}

/** A response that sets a visitor cookie must never be stored by a shared cache either. */
export function markPrivate(headers: Headers): void {
  const current = headers.get("cache-control");
  if (!current || /\bpublic\b|s-maxage/i.test(current) || !/\b(private|no-store)\b/i.test(current)) {
    headers.set("cache-control", "private, no-cache");
  }
}
