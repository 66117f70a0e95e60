import { OBJECTION_COOKIE } from "../schema/consent.ts";
import { PREVIEW_COOKIE } from "../signing/preview.ts";
import { cookieNames } from "../visitor/cookies.ts";
import { VISITOR_COOKIE } from "../visitor/identity.ts";
import { PROFILE_COOKIE } from "../visitor/profile-cookie.ts";

/**
 * Fields that tell a cache in front of the origin (a CDN) what it may keep, with Cache-Control's syntax: RFC 9213's
 * `CDN-Cache-Control` and Cloudflare's own, and the older `Surrogate-Control`. A page Stylist keeps is kept by such a
 * cache, so each of them is obeyed; and each is removed from a personalised response, so a CDN in front of Stylist
 * can never store one visitor's arm because the origin said it might (see response-headers.ts).
 */
export const TARGETED_CACHE_FIELDS = [
  "cdn-cache-control",
  "cloudflare-cdn-cache-control",
  "surrogate-control",
];

const FORBIDDING = ["private", "no-store", "no-cache"];

/**
 * How long a shared cache may reuse an origin response, by RFC 9111: `s-maxage`, else `max-age`, less `Age`, and only
 * when the origin marked it for shared caches (`public` or `s-maxage`). Anything that makes the page one person's —
 * `private`, `no-store`, `no-cache` (in Cache-Control or any targeted field), `Pragma: no-cache`, a Set-Cookie, a
 * Vary on anything but encoding — or a request with credentials means "not reusable". The strictest field wins: the
 * shortest lifetime any of them gives. Returns whole seconds, or undefined.
 */
export function sharedFreshnessSeconds(response: Headers, request: Headers): number | undefined {
  if (request.has("authorization")) return undefined;
  if (response.has("set-cookie")) return undefined;
  if (/\bno-cache\b/i.test(response.get("pragma") ?? "")) return undefined;
  const vary = response.get("vary");
  if (vary?.split(",").some((field) => field.trim().toLowerCase() !== "accept-encoding")) return undefined;
  const directives = parseCacheControl(response.get("cache-control"));
  if (FORBIDDING.some((name) => directives.has(name))) return undefined;
  const sharedMaxAge = seconds(directives.get("s-maxage"));
  if (sharedMaxAge === undefined && !directives.has("public")) return undefined;
  let lifetime = sharedMaxAge ?? seconds(directives.get("max-age"));
  if (lifetime === undefined) return undefined;
  for (const field of TARGETED_CACHE_FIELDS) {
    const value = response.get(field);
    if (value === null) continue;
    const targeted = parseCacheControl(value);
    if (FORBIDDING.some((name) => targeted.has(name))) return undefined;
    const given = seconds(targeted.get("s-maxage")) ?? seconds(targeted.get("max-age"));
    // A field that is there but gives no lifetime Stylist can read is taken as "do not keep", not as silence.
    if (given === undefined) return undefined;
    lifetime = Math.min(lifetime, given);
  }
  const fresh = lifetime - (seconds(response.get("age") ?? undefined) ?? 0);
  return fresh > 0 ? fresh : undefined;
}

/** Cookies Stylist itself reads: they never change what the origin renders. */
const STYLIST_COOKIES = new Set([VISITOR_COOKIE, PROFILE_COOKIE, PREVIEW_COOKIE, OBJECTION_COOKIE]);

export interface SharingPolicy {
  /** Pages the rules declare the origin renders the same whatever cookies the request carries. */
  ignoreCookiesOn: readonly RegExp[];
  /** The consent platform's cookie (settings.consent.cookie): it gates Stylist, the origin's page does not depend on it. */
  consentCookie?: string | undefined;
}

/**
 * Whether this request may be served a kept page, or have its page kept for others. The key holds the URL and arms,
 * not the request's credentials, so a request the origin may answer for one person is neither: `Authorization`
 * never, and a cookie that is not Stylist's (a shop session, a basket, a currency choice) not unless the rules say
 * the page ignores cookies. An origin that reflects a cookie into a page it calls `public` would otherwise hand one
 * visitor's page to everyone.
 */
export function mayShareAcrossVisitors(request: Headers, path: string, policy: SharingPolicy): boolean {
  if (request.has("authorization")) return false;
  const others = cookieNames(request.get("cookie")).filter(
    (name) => !STYLIST_COOKIES.has(name) && name !== policy.consentCookie,
  );
  return others.length === 0 || policy.ignoreCookiesOn.some((page) => page.test(path));
}

function parseCacheControl(header: string | null): Map<string, string | undefined> {
  const directives = new Map<string, string | undefined>();
  for (const part of (header ?? "").split(",")) {
    const [name, value] = part.split("=", 2).map((piece) => piece.trim());
    if (name) directives.set(name.toLowerCase(), value?.replace(/^"|"$/g, ""));
  }
  return directives;
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return undefined;
  return Number(value);
}
