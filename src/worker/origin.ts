import { PREVIEW_PARAM } from "../core/preview.ts";

/**
 * Forwards the visitor's request to the storefront with the same method, headers and body, and returns the origin's
 * response as it comes: redirects are handed to the browser, never followed here.
 */
export function fetchOrigin(request: Request, originUrl: string): Promise<Response> {
  const incoming = new URL(request.url);
  const target = new URL(incoming.pathname + incoming.search, originUrl);
  // The preview token is Stylist's own; the storefront never sees it.
  // Deleting re-serialises the query, so only when the token is there: the origin otherwise gets the query verbatim.
  if (target.searchParams.has(PREVIEW_PARAM)) target.searchParams.delete(PREVIEW_PARAM);
  const headers = new Headers(request.headers);
  headers.set("x-forwarded-host", incoming.host);
  headers.set("x-forwarded-proto", incoming.protocol.replace(":", ""));
  return fetch(target, {
    method: request.method,
    headers,
    body: request.body,
    redirect: "manual",
  });
}

/** An origin redirect to its own host is pointed back at the proxy, so the visitor never leaves the storefront's domain. */
export function rewriteOriginRedirect(response: Response, request: Request, originUrl: string): Response {
  const location = response.headers.get("location");
  if (!location || response.status < 300 || response.status >= 400) return response;
  const origin = new URL(originUrl);
  const target = new URL(location, origin);
  if (target.origin !== origin.origin) return response;
  const publicUrl = new URL(target.pathname + target.search + target.hash, request.url);
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
