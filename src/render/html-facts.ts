/**
 * What the HTML parser (https://html.spec.whatwg.org/multipage/parsing.html) knows and lol-html does not. lol-html
 * keeps a stack of open elements but no tree construction: an element whose end tag the parser implies at a later
 * start tag runs, for lol-html, to its parent's end tag. These sets let the renderer decide, at the start tag and
 * before any content streams, whether an edit could reach content the parser puts elsewhere.
 */

/**
 * Elements whose end tag may be omitted and is then implied by a later start tag (§13.1.2.4 "Optional tags"), plus
 * `p`, which any block start tag closes, and `head`, which any body content closes.
 */
export const IMPLIED_END = new Set([
  "p",
  "li",
  "dt",
  "dd",
  "option",
  "optgroup",
  "tr",
  "td",
  "th",
  "thead",
  "tbody",
  "tfoot",
  "colgroup",
  "caption",
  "rb",
  "rt",
  "rtc",
  "rp",
  "head",
]);

/** Void elements have no content and no end tag. */
export const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
  "keygen",
]);

/**
 * Containers whose content is not in the document a selector sees: a template's content is a separate fragment,
 * and with scripting on (every visitor's browser) noscript holds text, not elements.
 */
export const INERT = new Set(["template", "noscript"]);

/** Roots of foreign (SVG, MathML) content: a `title` inside names an icon, not the document. */
export const FOREIGN = new Set(["svg", "math"]);

/**
 * Elements the document has once. The parser folds a second `<html>` or `<body>` tag into the first and ignores a
 * second `<head>`; the first `<title>` is the document's title.
 */
export const SINGLETON = new Set(["html", "head", "body", "title"]);

/** Elements whose end is the document's end when the end tag is omitted, so content may be appended there. */
export const ENDS_WITH_DOCUMENT = new Set(["html", "body"]);

/** The parser's "special" elements (§13.2.4.2): they bound the scopes that decide which start tags close a `<li>`. */
export const SPECIAL = new Set(
  "address applet area article aside base basefont bgsound blockquote body br button caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input keygen li link listing main marquee menu meta nav noembed noframes noscript object ol p param plaintext pre script search section select source style summary table tbody td template textarea tfoot th thead title tr track ul wbr xmp".split(
    " ",
  ),
);

/** Start tags that close an open `<p>` in button scope ("in body" insertion mode). */
const CLOSES_P = new Set(
  "address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer header hgroup main menu nav ol p search section summary ul h1 h2 h3 h4 h5 h6 pre listing form plaintext table hr xmp li dd dt".split(
    " ",
  ),
);

/** Elements that end "button scope": a block start tag inside one of them does not close the `<p>` outside. */
const BUTTON_SCOPE = new Set(
  "applet caption html table td th marquee object template button foreignobject desc title mi mo mn ms mtext".split(
    " ",
  ),
);

const listScopeOpen = (openInside: readonly string[]) =>
  openInside.some((tag) => SPECIAL.has(tag) && tag !== "address" && tag !== "div" && tag !== "p");

/**
 * Does a `<startTag>` seen inside an open `<target>` (with `openInside` the elements opened in between) end the
 * target in the parser, where lol-html keeps it open? Only for the targets in CLOSER_AWARE.
 */
export function closesImplicitly(target: string, startTag: string, openInside: readonly string[]): boolean {
  switch (target) {
    case "p":
      return CLOSES_P.has(startTag) && !openInside.some((tag) => BUTTON_SCOPE.has(tag));
    case "li":
      return startTag === "li" && !listScopeOpen(openInside);
    case "dt":
    case "dd":
      return (startTag === "dt" || startTag === "dd") && !listScopeOpen(openInside);
    case "option":
      return startTag === "option" || startTag === "optgroup" || startTag === "hr";
    case "optgroup":
      return startTag === "optgroup" || startTag === "hr";
    case "tr":
      return ["tr", "tbody", "thead", "tfoot"].includes(startTag) && !openInside.includes("table");
    case "td":
    case "th":
      return (
        ["td", "th", "tr", "tbody", "thead", "tfoot"].includes(startTag) && !openInside.includes("table")
      );
    case "rb":
    case "rt":
    case "rp":
      return ["rb", "rt", "rtc", "rp"].includes(startTag);
    case "rtc":
      return startTag === "rb" || startTag === "rtc";
    case "h1":
    case "h2":
    case "h3":
    case "h4":
    case "h5":
    case "h6":
      // Only a heading that is the current node: `<h2>a<h3>` is two headings, `<h2><span><h3>` one inside the other.
      return HEADINGS.has(startTag) && openInside.length === 0;
    default:
      return false;
  }
}

/**
 * Implied-end elements whose content edits are refused: the parser moves or closes them by table and head rules the
 * renderer does not follow (op-placement.ts).
 */
const EXTENT_REFUSED = new Set(["thead", "tbody", "tfoot", "colgroup", "caption", "head"]);

/**
 * Elements whose extent lol-html and the parser agree on, however their content is nested, as long as nothing inside
 * bounds the parser's scope at their end tag (SCOPE_BOUNDARY) and they are not inside an element a start tag within
 * them may end (an item, a term, a cell): no start tag ends them, and their end tag ends everything open inside (the
 * "address, article, aside, … ul" end-tag rule of "in body"). A content edit of one is made by the rewriter itself,
 * with no JS call per element and text chunk inside, which on a large section costs tens of milliseconds. `pre` and
 * `listing` (whose first newline the parser drops), `button` (ended by a nested one) and `form` (its own end-tag
 * rules) are not among them.
 */
export const NATIVE_EXTENT = new Set(
  "address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer header hgroup main menu nav ol search section summary ul".split(
    " ",
  ),
);

/**
 * Elements that, left open inside one of those at its end tag, make the parser ignore that end tag, where lol-html
 * ends them all there: the scope boundaries of "has an element in scope" (§13.2.4.2) and `select` (whose insertion
 * mode ignores other end tags). (`noscript` is raw text to lol-html as to a browser that runs scripts: they agree.)
 */
export const SCOPE_BOUNDARY = new Set(
  "applet marquee object table template select foreignobject desc title mi mo mn ms mtext annotation-xml".split(
    " ",
  ),
);

/** A heading start tag ends a heading that is the current node, though a heading's end tag is required. */
const HEADINGS = new Set(["h1", "h2", "h3", "h4", "h5", "h6"]);

/**
 * Elements whose implied end the renderer follows start tag by start tag (see extent-watch.ts): the implied-end ones
 * less the refused, and headings.
 */
export const CLOSER_AWARE = new Set([
  ...[...IMPLIED_END].filter((tag) => !EXTENT_REFUSED.has(tag)),
  ...HEADINGS,
]);
