/**
 * How long a shared cache may reuse an origin response, by RFC 9111: `s-maxage`, else `max-age`, less `Age`, and only
 * when the origin marked it for shared caches (`public` or `s-maxage`). Anything that makes the page one person's —
 * `private`, `no-store`, `no-cache`, a Set-Cookie, a Vary on anything but encoding — or a request with credentials
 * means "not reusable". Returns whole seconds, or undefined.
 */
export function sharedFreshnessSeconds(response: Headers, request: Headers): number | undefined {
  if (request.has("authorization")) return undefined;
  if (response.has("set-cookie")) return undefined;
  const vary = response.get("vary");
  if (vary?.split(",").some((field) => field.trim().toLowerCase() !== "accept-encoding")) return undefined;
  const directives = parseCacheControl(response.get("cache-control"));
  if (directives.has("private") || directives.has("no-store") || directives.has("no-cache")) return undefined;
  const sharedMaxAge = seconds(directives.get("s-maxage"));
  if (sharedMaxAge === undefined && !directives.has("public")) return undefined;
  const lifetime = sharedMaxAge ?? seconds(directives.get("max-age"));
  if (lifetime === undefined) return undefined;
  const fresh = lifetime - (seconds(response.get("age") ?? undefined) ?? 0);
  return fresh > 0 ? fresh : undefined;
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
