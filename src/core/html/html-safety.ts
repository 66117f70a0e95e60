import { attributeKind } from "./output-contexts.ts";
import { placeholderSites } from "./template-sites.ts";
import { urlTemplateProblem } from "./url-safety.ts";

/**
 * Rule HTML is the author's, trusted to be markup, but Stylist promises no client script and visitor-derived
 * placeholders must never become markup, script, CSS or a URL elsewhere. This cheap check runs wherever rules are
 * parsed (the worker too); `stylist validate` and `push` add a strict one with a real HTML parser
 * (src/rules/html-strict.ts). It returns the first problem in plain words.
 */

/** Named references a browser decodes to the characters that matter in a scheme (the ASCII-named ones). */
const NAMED: Record<string, string> = {
  tab: "\t",
  newline: "\n",
  colon: ":",
  sol: "/",
  bsol: "\\",
  period: ".",
  lpar: "(",
  rpar: ")",
  quot: '"',
  apos: "'",
  amp: "&",
  lt: "<",
  gt: ">",
  equals: "=",
  nbsp: " ",
};

/** Character references decoded as a browser decodes them in an attribute value (with or without the `;`). */
function decodeReferences(html: string): string {
  return html
    .replace(/&#x0*([0-9a-f]{1,6});?/gi, (_m, hex: string) => codePoint(Number.parseInt(hex, 16)))
    .replace(/&#0*(\d{1,7});?/g, (_m, dec: string) => codePoint(Number(dec)))
    .replace(/&([a-z]+);/gi, (match, name: string) => NAMED[name.toLowerCase()] ?? match);
}

function codePoint(code: number): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "\uFFFD";
}

/** References decoded, then whitespace and controls dropped: how a URL parser reads a scheme. */
function asBrowserReadsIt(html: string): string {
  return [...decodeReferences(html)].filter((char) => (char.codePointAt(0) ?? 0) > 0x20).join("");
}

function scriptProblem(html: string): string | undefined {
  if (/<\s*script\b/i.test(html)) return "a <script> element";
  if (/[\s/"'=]on[a-z]+\s*=/i.test(html)) return "an inline event handler (on…=)";
  if (/\bsrcdoc\s*=/i.test(html)) return "an iframe srcdoc";
  if (/<\s*base\b/i.test(html)) return "a <base> element";
  if (/<\s*meta\b[^>]*\bhttp-equiv/i.test(html)) return "a <meta http-equiv> (a refresh is a redirect)";
  const read = asBrowserReadsIt(html);
  if (/(javascript|vbscript):/i.test(read)) return "a javascript: or vbscript: URL";
  if (/(?<![a-z0-9+.-])data:(?!image\/(png|gif|jpe?g|webp|avif)[;,])/i.test(read))
    return "a data: URL other than an image";
  return undefined;
}

/** Each placeholder's context: refused where no encoding makes a visitor value safe. */
function placeholderProblem(html: string): string | undefined {
  for (const site of placeholderSites(html)) {
    if (site.kind === "text") continue;
    if (site.kind === "raw")
      return `a {{placeholder}} inside <${site.element}>, whose content is not HTML text`;
    if (site.kind === "tag")
      return "a {{placeholder}} inside a tag or comment, outside a quoted attribute value";
    const kind = attributeKind(site.element, site.attribute);
    if (kind === "script" || kind === "markup" || kind === "refresh" || kind === "url-list") {
      return `a {{placeholder}} in ${site.attribute}= of <${site.element}>, where a visitor value could run or navigate`;
    }
    if (kind === "url") {
      const problem = urlTemplateProblem(decodeReferences(site.value), site.attribute);
      if (problem) return problem;
    }
  }
  return undefined;
}

export function checkRuleHtml(html: string): string | undefined {
  const script = scriptProblem(html);
  if (script) return `rule HTML may not contain ${script}: Stylist adds no client script`;
  const placeholder = placeholderProblem(html);
  if (placeholder)
    return `${placeholder}; visitor-derived values go in text, plain quoted attributes, URL paths and single CSS values`;
  return undefined;
}
