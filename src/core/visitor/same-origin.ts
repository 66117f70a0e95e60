/**
 * Where a request to one of Stylist's own state-changing endpoints came from, by what browsers say about it:
 * `Sec-Fetch-Site` (every current browser) and `Origin` (every browser on a cross-origin POST). A page on another
 * site — or a sandboxed frame or a no-referrer form on any site, which say `Origin: null` — must not be able to act
 * for the visitor. Never throws, whatever the headers hold.
 *
 * - `same-origin`: the browser says this site's own page sent it;
 * - `cross-origin`: anything else a browser says (another origin, `null`, a malformed Origin, `same-site`, `none`);
 * - `unknown`: neither header, which is not a browser: no visitor's browser can be made to send that.
 */
export type RequestSite = "same-origin" | "cross-origin" | "unknown";

export function requestSite(headers: Headers, requestUrl: string): RequestSite {
  const fetchSite = headers.get("sec-fetch-site");
  const origin = headers.get("origin");
  if (fetchSite === null && origin === null) return "unknown";
  if (fetchSite !== null && fetchSite.trim().toLowerCase() !== "same-origin") return "cross-origin";
  if (origin !== null && !isOriginOf(origin, requestUrl)) return "cross-origin";
  return "same-origin";
}

/** An Origin header is the serialised origin exactly (RFC 6454 §7): scheme, host and any port, nothing else. */
function isOriginOf(origin: string, requestUrl: string): boolean {
  if (!URL.canParse(origin) || !URL.canParse(requestUrl)) return false;
  const parsed = new URL(origin);
  return parsed.origin === origin.trim().toLowerCase() && parsed.origin === new URL(requestUrl).origin;
}
