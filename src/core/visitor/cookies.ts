/** Reads one cookie from a Cookie header. Later duplicates are ignored, as browsers send the most specific first. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The names of every cookie in a Cookie header, in order. A part without `=` is a cookie with an empty name, as
 * browsers store `document.cookie = "x"`, and servers may read it.
 */
export function cookieNames(header: string | null): string[] {
  if (!header) return [];
  const names: string[] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1) names.push(part.slice(0, eq).trim());
    else if (part.trim() !== "") names.push("");
  }
  return names;
}

export interface CookieOptions {
  maxAgeSeconds: number;
  httpOnly?: boolean;
}

/** A first-party cookie that JavaScript cannot read and that other sites' requests do not carry. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, "Path=/", `Max-Age=${options.maxAgeSeconds}`, "Secure", "SameSite=Lax"];
  if (options.httpOnly !== false) parts.push("HttpOnly");
  return parts.join("; ");
}

/** Percent-decoding that never throws: a malformed cookie value is taken as it is rather than failing the page. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
