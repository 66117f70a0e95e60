/**
 * Headers for a page Stylist personalised. The body length changes, so Content-Length goes. Validators go too: a
 * revalidation would pass the origin's 304 through and keep the browser on an arm after a kill or rollback.
 * `private` keeps every shared cache from handing one visitor's arm to another; `no-cache` still allows the
 * back/forward cache, and an origin's own `no-store` (account pages, baskets) is kept.
 */
export function markPersonalised(headers: Headers): void {
  headers.delete("content-length");
  headers.delete("etag");
  headers.delete("last-modified");
  const noStore = /\bno-store\b/i.test(headers.get("cache-control") ?? "");
  headers.set("cache-control", noStore ? "private, no-store" : "private, no-cache");
}

/** A response that sets a visitor cookie must never be stored by a shared cache either. */
export function markPrivate(headers: Headers): void {
  const current = headers.get("cache-control");
  if (!current || /\bpublic\b|s-maxage/i.test(current) || !/\b(private|no-store)\b/i.test(current)) {
    headers.set("cache-control", "private, no-cache");
  }
}
