import type { TRAFFIC_SOURCES } from "../schema/audience.ts";

export type TrafficSource = (typeof TRAFFIC_SOURCES)[number];

/** Click ids that only ad platforms add to landing URLs. */
const PAID_CLICK_IDS = [
  "gclid",
  "gbraid",
  "wbraid",
  "dclid",
  "fbclid",
  "msclkid",
  "ttclid",
  "li_fat_id",
  "twclid",
];
const PAID_MEDIA = /^(cpc|ppc|paid|paid[-_ ]?search|paid[-_ ]?social|display|cpm|cpv|affiliate)$/;
const SEARCH_HOSTS =
  /(^|\.)(google\.[a-z.]+|bing\.com|duckduckgo\.com|yahoo\.[a-z.]+|ecosia\.org|baidu\.com|yandex\.[a-z.]+|startpage\.com)$/;
const SOCIAL_HOSTS =
  /(^|\.)(facebook\.com|instagram\.com|t\.co|twitter\.com|x\.com|linkedin\.com|lnkd\.in|pinterest\.[a-z.]+|reddit\.com|tiktok\.com|youtube\.com|threads\.net|bsky\.app)$/;

/**
 * Where a visit came from, in the order a marketer would settle it: the ad platform's click id or a paid medium, then
 * an email or social medium, then the referring site's kind, then direct. Campaign tags beat the referrer because
 * a tagged link says what the marketer meant.
 */
export function classifySource(url: URL, referrer: string | null): TrafficSource {
  if (url.search === "" && !referrer) return "direct";
  if (PAID_CLICK_IDS.some((name) => url.searchParams.has(name))) return "paid";
  const medium = url.searchParams.get("utm_medium")?.trim().toLowerCase() ?? "";
  if (PAID_MEDIA.test(medium)) return "paid";
  if (/^(e-?mail|newsletter)$/.test(medium)) return "email";
  if (/^(social|social[-_ ]network|social[-_ ]media)$/.test(medium)) return "social";
  const host = referrerHost(referrer);
  if (host && host !== url.hostname) {
    if (SEARCH_HOSTS.test(host)) return "search";
    if (SOCIAL_HOSTS.test(host)) return "social";
    return "referral";
  }
  if (url.searchParams.has("utm_source")) return "referral";
  return "direct";
}

function referrerHost(referrer: string | null): string | undefined {
  if (!referrer) return undefined;
  try {
    return new URL(referrer).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
