import fc from "fast-check";
import { type DefaultTreeAdapterTypes, parseFragment } from "parse5";
import { describe, expect, it } from "vitest";
import { checkRuleHtml } from "../../../../src/core/html/html-safety.ts";
import { URL_ATTRIBUTES } from "../../../../src/core/html/output-contexts.ts";
import { strictHtmlProblems } from "../../../../src/rules/html-strict.ts";

/**
 * The worker's cheap check (html-safety.ts, no parser) is the second line behind validate's strict one. Whatever
 * it accepts, read by a real parser (parse5) and the WHATWG URL parser as a browser reads it, has no script
 * element, no handler, no srcdoc and no link or source whose scheme is javascript:, vbscript: or data: (bar images).
 */
const RUNS = { seed: 0x5717_0014, numRuns: 3_000 };

const PIECES = [
  "<a href=",
  "<a HREF=",
  "<form action=",
  "<button formaction=",
  "<svg><a xlink:href=",
  "<img src=x srcset=",
  "<iframe src=",
  "<object data=",
  '"',
  "'",
  ">",
  "/",
  " ",
  "\t",
  "\n",
  "\u0001",
  "java",
  "JaVa",
  "script",
  "vb",
  "data",
  ":",
  "&colon;",
  "&#58;",
  "&#x3a",
  "&Tab;",
  "&NewLine;",
  "&#x0A;",
  "&#0000106",
  "&#x6A;",
  "text/html,",
  "image/svg+xml,",
  "alert(1)",
  "on",
  "load=",
  "<svg",
  "<script",
  "<scr",
  "ipt>",
  "srcdoc=",
  "</a>",
];

/** A URL attribute whose value spells a scheme with obfuscations between and inside its letters. */
const obfuscatedUrl = fc
  .tuple(
    fc.constantFrom(
      "<a href=",
      "<a HREF=",
      "<form action=",
      "<button formaction=",
      "<svg><a xlink:href=",
      "<iframe src=",
      "<object data=",
    ),
    fc.constantFrom('"', "'", ""),
    fc.array(
      fc.oneof(
        fc.constantFrom(
          "j",
          "a",
          "v",
          "s",
          "c",
          "r",
          "i",
          "p",
          "t",
          "java",
          "JAVA",
          "script",
          "vb",
          "data",
          "text/html",
        ),
        fc.constantFrom(
          "&Tab;",
          "&NewLine;",
          "\t",
          "\n",
          "&#x0A;",
          "&#9;",
          "&#x6A;",
          "&#106",
          "&#0000118;",
          " ",
          "\u0001",
        ),
        fc.constantFrom(":", "&colon;", "&#58;", "&#x3A;", "&#x003a"),
      ),
      { minLength: 2, maxLength: 12 },
    ),
  )
  .map(([tag, quote, parts]) => `${tag}${quote}${parts.join("")}alert(1)${quote}>x`);
const ruleHtml = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 14 }).map((pieces) => pieces.join("")),
  obfuscatedUrl,
);

type Element = DefaultTreeAdapterTypes.Element;
function elements(html: string): Element[] {
  const found: Element[] = [];
  const walk = (node: DefaultTreeAdapterTypes.Node) => {
    if ("tagName" in node) found.push(node);
    if ("childNodes" in node) for (const child of node.childNodes) walk(child);
    if ("content" in node && node.content) walk(node.content);
  };
  walk(parseFragment(html));
  return found;
}

function dangerous(html: string): string | undefined {
  for (const element of elements(html)) {
    if (element.tagName === "script") return "script element";
    for (const attr of element.attrs) {
      const name = attr.prefix ? `${attr.prefix}:${attr.name}` : attr.name;
      // An empty handler (`<x onload>`) compiles to nothing; the cheap check looks for `on…=`.
      if (name.startsWith("on") && attr.value.trim() !== "") return `handler ${name}`;
      if (name === "srcdoc") return "srcdoc";
      if (!URL_ATTRIBUTES.has(name) && name !== "srcset") continue;
      for (const candidate of name === "srcset" ? attr.value.split(/[\s,]+/) : [attr.value]) {
        let protocol = "";
        try {
          protocol = new URL(candidate, "https://shop.example/").protocol;
        } catch {
          continue;
        }
        if (/^(javascript|vbscript|data):$/.test(protocol)) return `${protocol} in ${name}`;
      }
    }
  }
  return undefined;
}

describe("the cheap check of rule HTML (property-based)", () => {
  it("accepts nothing a browser would read as script, a handler, srcdoc or a script URL", () => {
    fc.assert(
      fc.property(ruleHtml, (html) => {
        if (checkRuleHtml(html) === undefined) expect(dangerous(html)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("and the strict check refuses everything the property calls dangerous", () => {
    fc.assert(
      fc.property(ruleHtml, (html) => {
        if (dangerous(html)) expect(strictHtmlProblems(html).length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });
});
