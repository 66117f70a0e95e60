/**
 * Rule HTML is the author's, trusted to be markup, but Stylist promises no client script and visitor-derived
 * placeholders must never become markup. This checks both, returning the first problem in plain words.
 */
const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "xlink:href",
  "poster",
  "data",
  "background",
  "srcset",
]);
const PLACEHOLDER = /\{\{/y;

/** Numeric character references decoded, then whitespace and controls dropped: how a browser reads a URL scheme. */
function asBrowserReadsIt(html: string): string {
  return html
    .replace(/&#x([0-9a-f]+);?/gi, (_m, hex: string) =>
      String.fromCodePoint(Number.parseInt(hex, 16) % 0x110000),
    )
    .replace(/&#(\d+);?/g, (_m, dec: string) => String.fromCodePoint(Number(dec) % 0x110000))
    .replace(/&(tab|newline);/gi, "")
    .split("")
    .filter((char) => char.charCodeAt(0) > 0x20)
    .join("");
}

function scriptProblem(html: string): string | undefined {
  if (/<\s*script\b/i.test(html)) return "a <script> element";
  if (/[\s/"'=]on[a-z]+\s*=/i.test(html)) return "an inline event handler (on…=)";
  if (/\bsrcdoc\s*=/i.test(html)) return "an iframe srcdoc";
  if (/(javascript|vbscript):|data:text\/html/i.test(asBrowserReadsIt(html)))
    return "a javascript:, vbscript: or data:text/html URL";
  return undefined;
}

/** Where each `{{placeholder}}` sits: plain text, a quoted attribute value (and whether a URL starts there), or elsewhere. */
function placeholderProblem(html: string): string | undefined {
  let inTag = false;
  let quote = "";
  let attribute = "";
  let valueStart = -1;
  let rawText = "";
  for (let i = 0; i < html.length; i++) {
    const char = html[i] as string;
    PLACEHOLDER.lastIndex = i;
    if (PLACEHOLDER.test(html)) {
      if (rawText) return `a {{placeholder}} inside <${rawText}>`;
      if (inTag && !quote) return "a {{placeholder}} inside a tag outside a quoted attribute value";
      if (quote && URL_ATTRIBUTES.has(attribute) && i === valueStart) {
        return `a {{placeholder}} at the start of the URL in ${attribute}=`;
      }
    }
    if (rawText) {
      if (html.slice(i, i + rawText.length + 2).toLowerCase() === `</${rawText}`) rawText = "";
      continue;
    }
    if (!inTag) {
      if (char === "<" && /[a-zA-Z!/]/.test(html[i + 1] ?? "")) {
        inTag = true;
        const name = /^<([a-zA-Z]+)/.exec(html.slice(i))?.[1]?.toLowerCase();
        if (name === "style" || name === "script") rawText = name;
        if (rawText) {
          const close = html.indexOf(">", i);
          if (close === -1) return undefined;
          i = close;
          inTag = false;
        }
      }
      continue;
    }
    if (quote) {
      if (char === quote) quote = "";
      continue;
    }
    if (char === ">") inTag = false;
    else if (char === '"' || char === "'") {
      quote = char;
      valueStart = i + 1;
      attribute = /([A-Za-z:-]+)\s*=\s*$/.exec(html.slice(Math.max(0, i - 40), i))?.[1]?.toLowerCase() ?? "";
    }
  }
  return undefined;
}

export function checkRuleHtml(html: string): string | undefined {
  const script = scriptProblem(html);
  if (script) return `rule HTML may not contain ${script}: Stylist adds no client script`;
  const placeholder = placeholderProblem(html);
  if (placeholder)
    return `${placeholder}: visitor-derived values go only in text or inside quoted attribute values`;
  return undefined;
}
