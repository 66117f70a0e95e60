/**
 * URL checks with the WHATWG URL parser — the one browsers use, so `java\nscript:`, ` javascript:`, `JAVASCRIPT:` and
 * `/\host` are read here exactly as a browser reads them (tabs and newlines dropped, leading controls trimmed,
 * backslashes as slashes in http(s) URLs). Values are taken as the browser sees them: entities already decoded.
 */

const BASE = new URL("https://storefront.invalid/a/b");
const PLACEHOLDER = /\{\{[^}]*\}\}/g;

/** Schemes a rule's link or source may use. Anything else (javascript:, vbscript:, data:, blob:, file:) is refused. */
const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:"]);
/** A data: URL is allowed only as a raster image in an attribute that loads an image, never one that navigates. */
const DATA_IMAGE = /^data:image\/(png|gif|jpe?g|webp|avif)[;,]/i;
const IMAGE_ATTRIBUTES = new Set([
  "src",
  "srcset",
  "imagesrcset",
  "poster",
  "background",
  "lowsrc",
  "dynsrc",
]);

function parse(url: string): URL | undefined {
  try {
    return new URL(url, BASE);
  } catch {
    return undefined;
  }
}

/** Why a literal URL in `attribute` is refused, or undefined. An unparseable URL goes nowhere, so it is no threat. */
export function urlProblem(value: string, attribute: string): string | undefined {
  const url = parse(value);
  if (!url || SAFE_SCHEMES.has(url.protocol)) return undefined;
  if (url.protocol === "data:" && IMAGE_ATTRIBUTES.has(attribute) && DATA_IMAGE.test(url.href))
    return undefined;
  return `a ${url.protocol} URL in ${attribute}= (as a browser reads it: "${url.href.slice(0, 40)}") is refused: only http(s), mailto: and tel: links, and data: images`;
}

/** The candidate URLs of a srcset-like list (`a.png 1x, b.png 2x`); descriptors are skipped. */
export function urlListItems(value: string): string[] {
  return value.split(/[\s,]+/).filter((item) => item !== "" && !/^\d+(\.\d+)?[wxh]$/i.test(item));
}

/** What an encoded visitor value can look like: URL components hold only unreserved characters and `%XX`. */
const PROBES = ["", "x", "evil.example", "1", "%2F%2Fevil.example"];

/**
 * Why a URL template is refused, or undefined. The visitor's values are percent-encoded at render time, so they can
 * never add `/`, `\`, `:`, `?`, `#` or `@` — but the author's text around them decides whether a value could still
 * choose the scheme or the host (`https://{{utm.source}}.example`, `/{{x}}/path` with an empty value gives `//path`).
 * Each placeholder is replaced by every probe; the scheme and host must come out the same, and safe, for all.
 */
export function urlTemplateProblem(template: string, attribute: string): string | undefined {
  if (trimControls(template).startsWith("{{")) {
    return `a URL in ${attribute}= may not start with a {{placeholder}}: the visitor's value would decide where it goes; start with a path (/sale/{{utm.campaign}})`;
  }
  const literal = template.replace(PLACEHOLDER, "x");
  const problem = urlProblem(literal, attribute);
  if (problem) return problem;
  const expected = parse(literal);
  for (const probe of PROBES) {
    const url = parse(template.replace(PLACEHOLDER, probe));
    if (!url || !expected || url.protocol !== expected.protocol || url.host !== expected.host) {
      return `a {{placeholder}} in ${attribute}= could change the URL's scheme or host (a value of ${JSON.stringify(probe)} reads as ${url ? `"${url.protocol}//${url.host}"` : "no URL at all"}): put placeholders after the host, in the path, query or fragment`;
    }
  }
  return undefined;
}

/** Leading C0 controls and spaces dropped, as the URL parser drops them. */
function trimControls(value: string): string {
  let start = 0;
  while (start < value.length && value.charCodeAt(start) <= 0x20) start++;
  return value.slice(start);
}

function hasControlSpaceOrBackslash(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || code === 0x5c) return true;
  }
  return false;
}

/** A path on this site: `/x`, never `//host`, `/\host` or anything with controls, spaces or backslashes. */
export function isSameSitePath(value: string): boolean {
  if (!/^\/(?![/\\])/.test(value) || hasControlSpaceOrBackslash(value)) return false;
  return parse(value)?.origin === BASE.origin;
}

/** An absolute https:// URL with no credentials, controls, spaces or backslashes. */
export function isHttpsUrl(value: string): boolean {
  if (!/^https:\/\/(?![/\\])/i.test(value) || hasControlSpaceOrBackslash(value)) return false;
  const url = parse(value);
  return url?.protocol === "https:" && url.username === "" && url.password === "";
}

/** One URL component: every character but the unreserved `A-Z a-z 0-9 - . _ ~` percent-encoded (RFC 3986). */
export function encodeUrlComponent(value: string): string {
  return encodeURIComponent(wellFormed(value)).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Lone surrogates become U+FFFD, as a browser's URL parser would make them, instead of throwing. */
function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}
