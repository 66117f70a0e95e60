/**
 * Where in a page a `{{placeholder}}` or a rule value can land, and what kind of language it is there. HTML escaping
 * is right only for HTML text and plain attribute values; a URL, CSS, a script or a nested document each needs its
 * own rule (docs/security.md, "Output contexts", lists them all with how each is handled).
 */

/**
 * Elements whose content the browser does not read as HTML: raw text (script, style, xmp, iframe, noembed,
 * noframes, noscript with scripting on, plaintext) and escapable raw text (textarea, title). Escaped text is inert
 * in most of them, but in a script it is JavaScript and in a style it is CSS — and inside `<svg>` or `<math>` a
 * `<script>`/`<style>` decodes entities, so escaping does not even keep `<` out.
 */
export const RAW_TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  "script",
  "style",
  "textarea",
  "title",
  "xmp",
  "noscript",
  "iframe",
  "noembed",
  "noframes",
  "plaintext",
]);

/** The two whose content is a language of its own: never written by a rule, whatever it holds. */
export const CODE_ELEMENTS: ReadonlySet<string> = new Set(["script", "style"]);

/** Attributes whose value is one URL the browser loads or follows (HTML, SVG, MathML and legacy ones). */
export const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "xlink:href",
  "poster",
  "data",
  "background",
  "cite",
  "codebase",
  "longdesc",
  "usemap",
  "manifest",
  "icon",
  "profile",
  "classid",
  "lowsrc",
  "dynsrc",
  "itemtype",
  "xml:base",
]);

/** Attributes that hold several URLs (comma- or space-separated): a value could start a second URL. */
const URL_LIST_ATTRIBUTES: ReadonlySet<string> = new Set(["srcset", "imagesrcset", "ping", "archive"]);

/** Attributes whose value is CSS: `style`, and SVG presentation attributes that accept `url(…)`. */
const CSS_ATTRIBUTES = new Set([
  "style",
  "fill",
  "stroke",
  "filter",
  "mask",
  "clip-path",
  "marker-start",
  "marker-mid",
  "marker-end",
  "cursor",
]);

/** Elements whose URL decides which code runs or what every other link means: no visitor value at all. */
const CODE_URL_ELEMENTS = new Set(["script", "base"]);

/** SVG animation elements: their `to`/`from`/`values`/`by` can set another attribute, `href` included. */
const ANIMATION_ELEMENTS = new Set(["set", "animate", "animatemotion", "animatetransform"]);
const ANIMATION_VALUES = new Set(["to", "from", "values", "by"]);

/**
 * - `script`: an event handler, an animation value, or the URL of a `<script>` or `<base>` — refused.
 * - `markup`: `srcdoc`, a whole document — refused.
 * - `refresh`: `<meta http-equiv>` and its `content` — a redirect the browser follows — refused.
 * - `url` / `url-list`: see url-safety.ts; a visitor value is percent-encoded as one URL component.
 * - `css`: `style` and SVG presentation attributes that take `url(…)`; a visitor value must be one safe CSS token.
 * - `plain`: any other attribute; HTML escaping is enough.
 */
export type AttributeKind = "script" | "markup" | "refresh" | "url" | "url-list" | "css" | "plain";

export function attributeKind(element: string, attribute: string): AttributeKind {
  const name = attribute.toLowerCase();
  const tag = element.toLowerCase();
  if (name.startsWith("on")) return "script";
  if (ANIMATION_ELEMENTS.has(tag) && (ANIMATION_VALUES.has(name) || name === "attributename"))
    return "script";
  if (name === "srcdoc") return "markup";
  if (name === "http-equiv" || (tag === "meta" && name === "content")) return "refresh";
  if (URL_ATTRIBUTES.has(name)) return CODE_URL_ELEMENTS.has(tag) ? "script" : "url";
  if (URL_LIST_ATTRIBUTES.has(name)) return "url-list";
  if (CSS_ATTRIBUTES.has(name)) return "css";
  return "plain";
}
