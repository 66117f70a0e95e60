import { type DefaultTreeAdapterTypes, type ParserError, parseFragment } from "parse5";
import { attributeKind, RAW_TEXT_ELEMENTS } from "../core/html/output-contexts.ts";
import { urlListItems, urlProblem, urlTemplateProblem } from "../core/html/url-safety.ts";

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

/**
 * The strict check of rule HTML, for `stylist validate` and `push` only (parse5 stays out of the worker bundle): the
 * HTML is parsed as a browser parses it — character references decoded, attribute names lower-cased, duplicates
 * dropped, `<svg>`/`<math>` foreign content, `<template>` contents, `<noscript>` both ways — and every element,
 * attribute and placeholder is judged where it really lands. URLs go through the WHATWG URL parser, as in a browser,
 * so `java&#x0A;script:`, `&#106;avascript&colon;` and ` JAVASCRIPT:` all read as `javascript:`.
 */
export function strictHtmlProblems(html: string): string[] {
  const problems = new Set<string>();
  for (const scriptingEnabled of [true, false]) {
    const fragment = parseFragment(html, {
      sourceCodeLocationInfo: true,
      scriptingEnabled,
      onParseError: (error: ParserError) => {
        if (error.code.startsWith("eof-in-")) {
          problems.add(
            `the HTML ends inside a tag, attribute or comment (${error.code}), so it would swallow the page after it`,
          );
        }
      },
    });
    walk(fragment, "", html, problems);
  }
  return [...problems];
}

const ANIMATION_ELEMENTS = new Set(["set", "animate", "animatemotion", "animatetransform"]);

function walk(node: Node, parent: string, source: string, problems: Set<string>): void {
  if (node.nodeName === "#text" && "value" in node && node.value.includes("{{")) {
    if (RAW_TEXT_ELEMENTS.has(parent)) {
      problems.add(`a {{placeholder}} inside <${parent}>, whose content is not HTML text`);
    }
  } else if (node.nodeName === "#comment" && "data" in node && node.data.includes("{{")) {
    problems.add("a {{placeholder}} inside a comment");
  }
  if ("tagName" in node) checkElement(node, source, problems);
  const name = "tagName" in node ? node.tagName.toLowerCase() : parent;
  if ("childNodes" in node) for (const child of node.childNodes) walk(child, name, source, problems);
  if ("content" in node && node.content) walk(node.content, name, source, problems);
}

function checkElement(element: Element, source: string, problems: Set<string>): void {
  const tag = element.tagName.toLowerCase();
  if (tag === "script") problems.add("a <script> element: Stylist adds no client script");
  if (tag === "base")
    problems.add("a <base> element: it would send every relative link on the page elsewhere");
  if (tag.includes("{{")) problems.add("a {{placeholder}} in a tag name");
  for (const attr of element.attrs) {
    const name = (attr.prefix ? `${attr.prefix}:${attr.name}` : attr.name).toLowerCase();
    const problem = attributeProblem(tag, name, attr.value, () => isQuoted(element, name, source));
    if (problem) problems.add(`<${tag} ${name}=…>: ${problem}`);
  }
}

function attributeProblem(
  tag: string,
  name: string,
  value: string,
  quoted: () => boolean,
): string | undefined {
  if (name.includes("{{")) return "a {{placeholder}} in an attribute name";
  if (name.startsWith("on")) return "an inline event handler: Stylist adds no client script";
  if (ANIMATION_ELEMENTS.has(tag) && name === "attributename") {
    const target = value.trim().toLowerCase();
    if (attributeKind("", target) !== "plain")
      return `an SVG animation of ${target}, which could make it script or a link`;
  }
  const kind = attributeKind(tag, name);
  if (kind === "markup") return "srcdoc is a whole document inside the page: refused";
  if (kind === "refresh")
    return "<meta http-equiv> is refused: a refresh is a redirect that skips the redirect checks";
  if (!value.includes("{{")) {
    if (kind === "url") return urlProblem(value, name);
    if (kind === "url-list")
      return urlListItems(value)
        .map((item) => urlProblem(item, name))
        .find(Boolean);
    return undefined;
  }
  if (!quoted())
    return "a {{placeholder}} in an unquoted attribute value: a visitor's space would start a new attribute";
  if (kind === "script") return "a {{placeholder}} in script";
  if (kind === "url-list")
    return "a {{placeholder}} in a list of URLs, where a value could start another URL";
  if (kind === "url") return urlTemplateProblem(value, name);
  return undefined;
}

/** Whether the attribute's value was written in quotes: the source from its `=` on starts with `"` or `'`. */
function isQuoted(element: Element, name: string, source: string): boolean {
  const location = element.sourceCodeLocation?.attrs?.[name];
  if (!location) return false;
  const text = source.slice(location.startOffset, location.endOffset);
  return /^[^=]*=\s*["']/.test(text);
}
