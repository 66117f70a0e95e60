import { TARGETED_CACHE_FIELDS } from "../core/page-cacheability.ts";

/**
 * A CDN in front of Stylist obeys CDN-Cache-Control, Cloudflare-CDN-Cache-Control or Surrogate-Control before
 * Cache-Control (RFC 9213): the origin's `public` in one of them would let it store one visitor's arm. Every
 * response that is one visitor's loses them.
 */
export function dropTargetedCacheFields(headers: Headers): void {
  for (const field of TARGETED_CACHE_FIELDS) headers.delete(field);
}

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
  dropTargetedCacheFields(headers);
}

/** A response that sets a visitor cookie must never be stored by a shared cache either. */
export function markPrivate(headers: Headers): void {
  const current = headers.get("cache-control");
  if (!current || /\bpublic\b|s-maxage/i.test(current) || !/\b(private|no-store)\b/i.test(current)) {
    headers.set("cache-control", "private, no-cache");
  }
  dropTargetedCacheFields(headers);
}
