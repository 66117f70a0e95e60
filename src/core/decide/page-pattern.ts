/**
 * Page patterns match URL paths: `/` exactly, `*` one path segment, `**` any rest of the path (including nothing).
 * `/products/*` matches `/products/boot` but not `/products/boot/reviews`; `/products/**` matches both.
 * A trailing slash is optional everywhere: `/sale/` and `/sale` match the same paths. Query strings never count.
 */
export function compilePagePattern(pattern: string): RegExp {
  pattern = pattern.length > 1 ? pattern.replace(/\/+$/, "") : pattern;
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*" && pattern[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (char === "*") {
      source += "[^/]+";
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}/?$`);
}

export function checkPagePattern(pattern: string): string | undefined {
  if (!pattern.startsWith("/")) return "a page pattern is a URL path and starts with /";
  if (/[?#]/.test(pattern)) return "page patterns match the path only; remove the query or fragment";
  if (/\*{3,}/.test(pattern)) return "use * for one path segment or ** for any rest of the path";
  return undefined;
}
