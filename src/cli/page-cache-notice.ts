import type { Settings } from "../core/schema/settings.ts";

/**
 * What `validate` says when settings.pageCache is on: which pages will be shared between visitors, so whoever turns
 * it on reads the rule that keeps one visitor's page from being served to another (docs/rules.md, "Page cache").
 */
export function pageCacheNotice(settings: Settings): string[] {
  const cache = settings.pageCache;
  if (!cache.enabled) return [];
  const cookies =
    cache.ignoreCookiesOn.length > 0
      ? `except on ${cache.ignoreCookiesOn.join(", ")} (settings.pageCache.ignoreCookiesOn), where the origin must render the same page whatever cookies it is sent`
      : "on every page (list cookie-blind pages in settings.pageCache.ignoreCookiesOn to share them anyway)";
  return [
    `page cache: on, each rendering kept at most ${cache.maxSeconds} s and shared by every visitor with the same arms on the same scheme, host, path and query.`,
    "  kept only when the origin says so for shared caches: Cache-Control public or s-maxage with a lifetime, and no private, no-store or no-cache there or in CDN-Cache-Control, Cloudflare-CDN-Cache-Control or Surrogate-Control, no Pragma: no-cache, no Set-Cookie, no Vary but Accept-Encoding.",
    `  never kept or served for a request with Authorization; never for a request with cookies other than Stylist's and the consent cookie ${cookies}.`,
    "  never for previews, bots, objections, split-URL tests, or arms that use {{placeholders}} or product lists.",
  ];
}
