import { TARGETED_CACHE_FIELDS } from "../core/cache/page-cacheability.ts";

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
  markRevalidate(headers);
}

/**
 * Kept by the browser alone and checked with the server before every reuse (`no-cache`), so each view reaches the
 * worker; an origin's own `no-store` is kept.
 */
export function markRevalidate(headers: Headers): void {
  const noStore = /\bno-store\b/i.test(headers.get("cache-control") ?? "");
  headers.set("cache-control", noStore ? "private, no-store" : "private, no-cache");
  dropTargetedCacheFields(headers);
}

/** A response that sets a visitor cookie must never be stored by a shared cache either. */
export function markPrivate(headers: Headers): void {
  if (shareable(headers.get("cache-control"))) headers.set("cache-control", "private, no-cache");
  dropTargetedCacheFields(headers);
}

function shareable(cacheControl: string | null): boolean {
  return (
    !cacheControl ||
    /\bpublic\b|s-maxage/i.test(cacheControl) ||
    !/\b(private|no-store)\b/i.test(cacheControl)
  );
}

/**
 * The last word on every response the worker sends: one that sets a cookie (the visitor's, a preview's, or the
 * origin's own session cookie) is never left for a shared cache to hand to someone else, by Cache-Control or by a
 * CDN-targeted field.
 */
export function neverSharedWithCookies(response: Response): Response {
  if (!response.headers.has("set-cookie")) return response;
  const targeted = TARGETED_CACHE_FIELDS.some((field) => response.headers.has(field));
  if (!targeted && !shareable(response.headers.get("cache-control"))) return response;
  const copy = new Response(response.body, response);
  markPrivate(copy.headers);
  return copy;
}
