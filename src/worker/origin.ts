import { PREVIEW_COOKIE, PREVIEW_PARAM } from "../core/signing/preview.ts";
import { readCookie } from "../core/visitor/cookies.ts";

/** How long the origin may take to send its response headers before the visitor gets a 504. */
const ORIGIN_TIMEOUT_MS = 30_000;

export class OriginTimeout extends Error {
  override name = "OriginTimeout";
}

/**
 * The origin URL for a request: the storefront's own scheme and host, always, with the request's path and query set
 * on it. (Resolving the path as a relative URL would let `//other.example/` name another host.)
 */
function originTarget(request: Request, originUrl: string): URL {
  const incoming = new URL(request.url);
  const target = new URL(originUrl);
  target.pathname = incoming.pathname;
  target.search = incoming.search;
  // The preview token is Stylist's own; the storefront never sees it. Deleting re-serialises the query, so only when
  // the token is there: the origin otherwise gets the query verbatim.
  if (target.searchParams.has(PREVIEW_PARAM)) target.searchParams.delete(PREVIEW_PARAM);
  return target;
}

function withoutPreviewCookie(cookieHeader: string): string {
  return cookieHeader
    .split(";")
    .filter((part) => part.split("=")[0]?.trim() !== PREVIEW_COOKIE)
    .join(";")
    .trim();
}

/**
 * Forwards the visitor's request to the storefront with the same method, headers and body, and returns the origin's
 * response as it comes: redirects are handed to the browser, never followed here. No response headers within
 * ORIGIN_TIMEOUT_MS rejects with OriginTimeout; once headers have come, no timer is left and the body streams for as
 * long as it takes.
 * `originHeaders` (ORIGIN_HEADERS) are added last, over any the visitor sent.
 */
export async function fetchOrigin(
  request: Request,
  originUrl: string,
  originHeaders: ReadonlyArray<readonly [string, string]> = [],
): Promise<Response> {
  const incoming = new URL(request.url);
  const target = originTarget(request, originUrl);
  if (target.origin !== new URL(originUrl).origin)
    throw new Error("refused: the origin URL left the storefront");
  const headers = new Headers(request.headers);
  // A GET or HEAD has no body to send (fetch refuses one, which used to make a 502 and a false origin_unreachable);
  // whatever a client sent with one is dropped, with the headers that described it.
  const bodiless = request.method === "GET" || request.method === "HEAD";
  if (bodiless) {
    headers.delete("content-length");
    headers.delete("transfer-encoding");
  }
  headers.set("x-forwarded-host", incoming.host);
  headers.set("x-forwarded-proto", incoming.protocol.replace(":", ""));
  // Set, not appended: a visitor who sends the header's name gets it replaced, never merged with the secret.
  for (const [name, value] of originHeaders) headers.set(name, value);
  const cookies = headers.get("cookie");
  if (cookies && readCookie(cookies, PREVIEW_COOKIE) !== undefined)
    headers.set("cookie", withoutPreviewCookie(cookies));
  const answer = fetch(target, {
    method: request.method,
    headers,
    body: bodiless ? null : request.body,
    redirect: "manual",
  });
  // The timeout races the fetch instead of aborting it through a signal: with an AbortController's signal on the
  // fetch, workerd spent ~10% more CPU per proxied page (bench/path-loop.ts; docs/benchmarks.md, "The paths besides
  // the renderer"). A late answer is dropped unread; the subrequest itself ends with the visitor's request.
  let timer: ReturnType<typeof setTimeout> | null = null;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      answer.then((late) => late.body?.cancel()).catch(() => {});
      reject(new OriginTimeout(`no response headers in ${ORIGIN_TIMEOUT_MS} ms`));
    }, ORIGIN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

/** An origin redirect to its own host is pointed back at the proxy, so the visitor never leaves the storefront's domain. */
export function rewriteOriginRedirect(response: Response, request: Request, originUrl: string): Response {
  const location = response.headers.get("location");
  if (!location || response.status < 300 || response.status >= 400) return response;
  const origin = new URL(originUrl);
  let target: URL;
  try {
    target = new URL(location, origin);
  } catch {
    // A Location the browser cannot use either: passed on as the origin sent it.
    return response;
  }
  if (target.origin !== origin.origin) return response;
  const publicUrl = new URL(request.url);
  publicUrl.pathname = target.pathname;
  publicUrl.search = target.search;
  publicUrl.hash = target.hash;
  const rewritten = new Response(response.body, response);
  rewritten.headers.set("location", publicUrl.toString());
  return rewritten;
}

/** Only a complete, successful HTML document is rewritten; anything else would be corrupted or is not a page. */
export function isPersonalisable(request: Request, response: Response): boolean {
  if (request.method !== "GET" || request.headers.has("range")) return false;
  if (response.status !== 200 || response.body === null) return false;
  const type = response.headers.get("content-type") ?? "";
  return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(type);
}

/**
 * A browser loading a page into a window or frame. Fetch metadata says so where sent; otherwise only a request that
 * accepts HTML is taken for one, so revalidating a stylesheet or image never counts as a page view.
 */
export function isNavigation(request: Request): boolean {
  const mode = request.headers.get("sec-fetch-mode");
  if (mode) return mode === "navigate";
  return /\btext\/html\b/i.test(request.headers.get("accept") ?? "");
}

const CONDITIONAL_HEADERS = [
  "if-none-match",
  "if-modified-since",
  "if-match",
  "if-unmodified-since",
  "if-range",
];

/** The same request without its validators, so the origin answers with the page itself. */
export function unconditional(request: Request): Request {
  const headers = new Headers(request.headers);
  for (const name of CONDITIONAL_HEADERS) headers.delete(name);
  return new Request(request, { headers });
}
