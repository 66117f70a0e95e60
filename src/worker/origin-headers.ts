/**
 * ORIGIN_HEADERS: headers the worker adds to every request it sends the origin, one `Name: value` per line — a
 * shared secret the origin checks, or a Cloudflare Access service token's `CF-Access-Client-Id` and
 * `CF-Access-Client-Secret` — so the origin can refuse whatever did not come through Stylist. A wrangler secret.
 */
export interface OriginHeaders {
  headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** Lines that are not `Name: value` (1-based), never sent: the others still are, so the shop keeps working. */
  invalidLines: number[];
}

/** RFC 9110 `token`: the characters a header name may have. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A value may not be empty or hold control characters other than tab (CR and LF would start another header). */
function isHeaderValue(value: string): boolean {
  if (value === "") return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return false;
  }
  return true;
}

export function parseOriginHeaders(value: string | undefined): OriginHeaders {
  const headers: Array<readonly [string, string]> = [];
  const invalidLines: number[] = [];
  (value ?? "").split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const colon = line.indexOf(":");
    const name = line.slice(0, Math.max(colon, 0)).trim();
    const headerValue = line.slice(colon + 1).trim();
    if (colon < 1 || !HEADER_NAME.test(name) || !isHeaderValue(headerValue)) invalidLines.push(index + 1);
    else headers.push([name.toLowerCase(), headerValue]);
  });
  return { headers, invalidLines };
}
