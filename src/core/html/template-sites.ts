import { RAW_TEXT_ELEMENTS } from "./output-contexts.ts";

/**
 * Where each `{{placeholder}}` of rule HTML sits, found by a small tokeniser that follows the HTML spec's states far
 * enough for that question: text, a quoted attribute value (with its element and attribute), the content of a raw-text
 * element, or somewhere else inside a tag or comment. The worker uses it to encode each value for its context; the
 * schema uses it to refuse contexts no encoding makes safe. The CLI repeats the check with a full parser (parse5).
 */
export type PlaceholderSite =
  | { kind: "text" }
  | { kind: "raw"; element: string }
  | { kind: "tag" }
  | { kind: "attribute"; element: string; attribute: string; value: string };

const PLACEHOLDER = /\{\{\s*([a-z.]+)\s*(?:\|([^}]*))?\}\}/g;

/** One site per placeholder, in the order `String.replace` meets them. */
export function placeholderSites(html: string): PlaceholderSite[] {
  const starts = new Map<number, number>();
  for (const match of html.matchAll(PLACEHOLDER)) starts.set(match.index, match[0].length);
  const sites: PlaceholderSite[] = [];
  let state: "text" | "tag" | "comment" | "value" = "text";
  let element = "";
  let rawText = "";
  let quote = "";
  let attribute = "";
  let valueStart = 0;
  for (let i = 0; i < html.length; i++) {
    const length = starts.get(i);
    if (length !== undefined) {
      sites.push(siteHere());
      i += length - 1;
      continue;
    }
    const char = html[i] as string;
    if (rawText) {
      // Only `</style` followed by whitespace, `/` or `>` ends it, as in the spec's "appropriate end tag".
      if (
        char === "<" &&
        html.slice(i, i + rawText.length + 2).toLowerCase() === `</${rawText}` &&
        /^[\s/>]/.test(html[i + rawText.length + 2] ?? "")
      ) {
        rawText = "";
        state = "tag";
        element = "";
      }
      continue;
    }
    if (state === "text") {
      if (html.startsWith("<!--", i)) {
        state = "comment";
        i += 3;
      } else if (char === "<" && /[a-zA-Z!/?]/.test(html[i + 1] ?? "")) {
        state = "tag";
        element = /^<([a-zA-Z][^\s/>]*)/.exec(html.slice(i, i + 64))?.[1]?.toLowerCase() ?? "";
      }
    } else if (state === "comment") {
      if (html.startsWith("-->", i)) {
        state = "text";
        i += 2;
      }
    } else if (state === "value") {
      if (char === quote) state = "tag";
    } else if (char === ">") {
      state = "text";
      if (RAW_TEXT_ELEMENTS.has(element)) rawText = element;
    } else if (char === '"' || char === "'") {
      state = "value";
      quote = char;
      valueStart = i + 1;
      attribute = /([^\s"'>/=]+)\s*=\s*$/.exec(html.slice(Math.max(0, i - 64), i))?.[1]?.toLowerCase() ?? "";
    }
  }
  return sites;

  function siteHere(): PlaceholderSite {
    if (rawText) return { kind: "raw", element: rawText };
    if (state === "text") return { kind: "text" };
    if (state === "value" && attribute) {
      const end = html.indexOf(quote, valueStart);
      return {
        kind: "attribute",
        element,
        attribute,
        value: html.slice(valueStart, end === -1 ? undefined : end),
      };
    }
    return { kind: "tag" };
  }
}
