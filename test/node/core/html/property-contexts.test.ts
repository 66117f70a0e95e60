import fc from "fast-check";
import { type DefaultTreeAdapterTypes, parseFragment } from "parse5";
import { describe, expect, it } from "vitest";
import { RAW_TEXT_ELEMENTS } from "../../../../src/core/html/output-contexts.ts";
import {
  PLACEHOLDERS,
  renderTemplate,
  type TemplateValues,
  UnsafeContextError,
} from "../../../../src/core/html/template.ts";
import { placeholderSites } from "../../../../src/core/html/template-sites.ts";
import { urlTemplateProblem } from "../../../../src/core/html/url-safety.ts";

/**
 * Hostile visitor values in every context a placeholder can reach, rendered by the worker's own `renderTemplate`
 * and read back the way a browser reads them: parse5 for the HTML (entities decoded), the WHATWG URL parser for URLs.
 */
const RUNS = { seed: 0x5717_0012, numRuns: 300 };
const BASE = "https://shop.example/dir/page";

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
/** Pieces a visitor would try: slashes and backslashes, encodings, entities, controls in schemes, case, unicode. */
const PIECES = [
  "/",
  "//",
  "\\",
  "/\\",
  ":",
  "javascript:",
  "JaVaScRiPt:",
  "java\tscript:",
  "java\nscript:",
  "\u0000",
  "\u0001",
  " ",
  "%2F",
  "%5C",
  "%2f%2f",
  "%0a",
  "%",
  "&colon;",
  "&#106;",
  "&#x2F;",
  "&amp;",
  "&",
  "#",
  "?",
  "@",
  ";",
  "(",
  ")",
  "'",
  '"',
  "<",
  ">",
  "{",
  "}",
  "evil.example",
  "EVIL.EXAMPLE",
  "url(",
  "expression(",
  "red",
  "-",
  ".",
  "é",
  "\u00a0",
  "\u2028",
  "\u{1F600}",
  "\uD800",
  "ſ",
  "K",
];
const hostileValue = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join("")),
  fc.string({ unit: anyUnit, maxLength: 120 }),
  fc.constantFrom(
    "/evil.example/login",
    "\\evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "red;position:fixed;background:url(https://evil.example/x)",
    'x";alert(document.domain);//',
    "<script>alert(1)</script>",
    "",
  ),
);
const values: fc.Arbitrary<TemplateValues> = fc
  .array(hostileValue, { minLength: PLACEHOLDERS.length, maxLength: PLACEHOLDERS.length })
  .map((list) => Object.fromEntries(PLACEHOLDERS.map((name, i) => [name, list[i] as string])));

type Element = DefaultTreeAdapterTypes.Element;
function elements(html: string): Element[] {
  const found: Element[] = [];
  const walk = (node: DefaultTreeAdapterTypes.Node) => {
    if ("tagName" in node) found.push(node);
    if ("childNodes" in node) for (const child of node.childNodes) walk(child);
  };
  walk(parseFragment(html));
  return found;
}
const attributeOf = (html: string, tag: string, name: string) =>
  elements(html)
    .find((element) => element.tagName === tag)
    ?.attrs.find((attr) => attr.name === name)?.value;

const origin = (url: string) => {
  const parsed = new URL(url, BASE);
  return `${parsed.protocol}//${parsed.host}`;
};

/** URL templates that pass validation, with the origin each must keep whatever the visitor sends. */
const URL_TEMPLATES = [
  "/{{utm.campaign}}",
  "/sale/{{utm.campaign}}?from={{utm.source}}",
  "?q={{utm.source}}",
  "#{{utm.medium}}",
  "https://shop.example/{{utm.campaign}}",
  "https://help.example/a?x={{utm.source}}#{{city}}",
  "sale/{{utm.campaign}}",
  "/p/{{utm.campaign|summer}}/{{utm.source|x}}",
];

describe("visitor values in URL attributes (property-based)", () => {
  it.each(URL_TEMPLATES)("rule HTML href=%j keeps its scheme and host for any value", (template) => {
    expect(urlTemplateProblem(template, "href")).toBeUndefined();
    const expected = origin(template.replace(/\{\{[^}]*\}\}/g, "x"));
    fc.assert(
      fc.property(values, (given) => {
        const html = renderTemplate(`<a href="${template}">x</a>`, given, "html");
        const href = attributeOf(html, "a", "href") ?? "";
        expect(origin(href)).toBe(expected);
      }),
      RUNS,
    );
  });

  it.each(URL_TEMPLATES)("setAttribute href=%j keeps its scheme and host for any value", (template) => {
    const expected = origin(template.replace(/\{\{[^}]*\}\}/g, "x"));
    fc.assert(
      fc.property(values, (given) => {
        // As apply-op hands it to the rewriter: `&` escaped, so the browser reads the value literally.
        const value = renderTemplate(template, given, { element: "a", attribute: "href" });
        const html = `<a href="${value.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}">x</a>`;
        expect(origin(attributeOf(html, "a", "href") ?? "")).toBe(expected);
      }),
      RUNS,
    );
  });

  it("agrees with validation: any URL template it accepts keeps its origin for any value", () => {
    const templatePiece = fc.constantFrom(
      "",
      "/",
      "//",
      "\\",
      "https:",
      "https://",
      "shop.example",
      "evil.example",
      ".",
      ":",
      "?",
      "#",
      "@",
      "a",
      "/p/",
      ":8080",
      "{{utm.source}}",
      "{{utm.campaign|x}}",
    );
    fc.assert(
      fc.property(fc.array(templatePiece, { minLength: 1, maxLength: 7 }), values, (pieces, given) => {
        const template = pieces.join("");
        fc.pre(template.includes("{{") && urlTemplateProblem(template, "href") === undefined);
        const expected = origin(template.replace(/\{\{[^}]*\}\}/g, "x"));
        const value = renderTemplate(template, given, { element: "a", attribute: "href" });
        expect(origin(value)).toBe(expected);
      }),
      { ...RUNS, numRuns: 2_000 },
    );
  });
});

const CSS_VALUE = /^color: ?-?[A-Za-z0-9#.%]*$/;

describe("visitor values in CSS (property-based)", () => {
  it("a style attribute in rule HTML gets one safe token or the fallback, never a declaration", () => {
    fc.assert(
      fc.property(values, (given) => {
        const html = renderTemplate('<span style="color: {{utm.campaign|red}}">x</span>', given, "html");
        expect(attributeOf(html, "span", "style")).toMatch(CSS_VALUE);
      }),
      RUNS,
    );
  });

  it("an SVG presentation attribute that takes url(…) gets one safe token or the fallback", () => {
    fc.assert(
      fc.property(values, (given) => {
        const html = renderTemplate('<svg><rect fill="{{utm.campaign|red}}"/></svg>', given, "html");
        expect(attributeOf(html, "rect", "fill")).toMatch(/^-?[A-Za-z0-9#.%]*$/);
      }),
      RUNS,
    );
  });

  it("setAttribute style gets one safe token or the fallback, never a declaration", () => {
    fc.assert(
      fc.property(values, (given) => {
        const value = renderTemplate("color: {{utm.campaign|red}}", given, {
          element: "p",
          attribute: "style",
        });
        expect(value).toMatch(CSS_VALUE);
      }),
      RUNS,
    );
  });
});

describe("contexts where no encoding is enough (property-based)", () => {
  const REFUSED_HTML = [
    "<style>.x{color:{{utm.campaign}}}</style>",
    "<svg><style>.x{fill:{{utm.campaign}}}</style></svg>",
    "<script>var c='{{utm.campaign}}'</script>",
    "<textarea>{{utm.campaign}}</textarea>",
    "<title>{{utm.campaign}}</title>",
    "<noscript>{{utm.campaign}}</noscript>",
    "<iframe>{{utm.campaign}}</iframe>",
    "<a onclick=\"f('{{utm.campaign}}')\">x</a>",
    '<iframe srcdoc="{{utm.campaign}}"></iframe>',
    '<meta http-equiv="refresh" content="0;url=/{{utm.campaign}}">',
    '<img srcset="/{{utm.campaign}}.png 2x">',
    "<a href=/{{utm.campaign}}>x</a>",
    "<!-- {{utm.campaign}} -->",
  ];
  it.each(REFUSED_HTML)(
    "rendering %j throws for any value, so the op fails and the page is the origin's",
    (html) => {
      fc.assert(
        fc.property(values, (given) => {
          expect(() => renderTemplate(html, given, "html")).toThrow(UnsafeContextError);
        }),
        { ...RUNS, numRuns: 50 },
      );
    },
  );

  it.each([
    ["iframe", "srcdoc"],
    ["a", "onclick"],
    ["meta", "content"],
    ["meta", "http-equiv"],
    ["img", "srcset"],
    ["set", "to"],
    ["script", "src"],
    ["base", "href"],
  ])("setAttribute on <%s %s=…> with a placeholder throws for any value", (element, attribute) => {
    fc.assert(
      fc.property(values, (given) => {
        expect(() => renderTemplate("/{{utm.campaign}}", given, { element, attribute })).toThrow(
          UnsafeContextError,
        );
      }),
      { ...RUNS, numRuns: 50 },
    );
  });
});

describe("every context at once (property-based)", () => {
  it("a value never adds an element or attribute, whatever mix of contexts the author used", () => {
    const template =
      '<p title="{{utm.source}}">Hi {{city|there}}<a href="/s/{{utm.campaign}}?q={{utm.medium}}" ' +
      "style='color:{{utm.campaign|red}}'>{{utm.source}}</a></p>";
    const shape = (html: string) =>
      elements(html).map((element) => `${element.tagName}[${element.attrs.map((attr) => attr.name).join()}]`);
    const expected = shape(renderTemplate(template, {}, "html"));
    fc.assert(
      fc.property(values, (given) => {
        expect(shape(renderTemplate(template, given, "html"))).toEqual(expected);
      }),
      RUNS,
    );
  });
});

describe("the worker's placeholder sites match a browser's parse", () => {
  it.each([
    "<style>a{}</styles>{{utm.campaign}}</style>",
    "<textarea></textareax>{{utm.campaign}}</textarea>",
    "<title></title-x>{{utm.campaign}}</title>",
  ])("treats %j as still inside the raw-text element, as a browser does", (html) => {
    expect(() => renderTemplate(html, { "utm.campaign": "x}body{display:none" }, "html")).toThrow(
      UnsafeContextError,
    );
  });

  it("sees the raw-text element end at a real end tag", () => {
    expect(renderTemplate("<style>a{}</style >{{utm.campaign}}", { "utm.campaign": "<b>" }, "html")).toBe(
      "<style>a{}</style >&lt;b&gt;",
    );
  });
});

describe("the worker's tokeniser against parse5 (property-based)", () => {
  /** Where parse5 puts the marker standing in for placeholder `i`: a text node's parent, or an attribute. */
  function parse5Site(html: string, marker: string): string {
    let site = "elsewhere";
    const walk = (node: DefaultTreeAdapterTypes.Node, parent: string) => {
      if (node.nodeName === "#text" && "value" in node && node.value.includes(marker))
        site = `text in ${parent}`;
      if ("tagName" in node) {
        for (const attr of node.attrs) {
          const name = attr.prefix ? `${attr.prefix}:${attr.name}` : attr.name;
          if (name.includes(marker)) site = "attribute name";
          else if (attr.value.includes(marker)) site = `attribute ${name} of ${node.tagName}`;
        }
      }
      const name = "tagName" in node ? node.tagName : parent;
      if ("childNodes" in node) for (const child of node.childNodes) walk(child, name);
      if ("content" in node && node.content) walk(node.content, name);
    };
    walk(parseFragment(html), "#fragment");
    return site;
  }

  const piece = fc.constantFrom(
    "<p>",
    "</p>",
    "<a ",
    "<a title=",
    "<a href=",
    "<img src=",
    " style=",
    "'",
    '"',
    "=",
    ">",
    " ",
    "/",
    "<style>",
    "</style>",
    "</styles>",
    "<textarea>",
    "</textarea>",
    "<title>",
    "</title>",
    "<svg>",
    "</svg>",
    "<!--",
    "-->",
    "<!-->",
    "<?",
    "<![CDATA[",
    "]]>",
    "<table>",
    "<td>",
    "<template>",
    "</template>",
    "x",
    "&",
    "{{utm.source}}",
    "{{utm.campaign|a}}",
  );

  it("never calls a placeholder text or a plain attribute value where a browser would not", () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 16 }), (pieces) => {
        const template = pieces.join("");
        const sites = placeholderSites(template);
        let index = 0;
        const marked = template.replace(/\{\{[^}]*\}\}/g, () => `zq${index++}qz`);
        sites.forEach((site, i) => {
          const found = parse5Site(marked, `zq${i}qz`);
          if (site.kind === "text") {
            expect(found).toMatch(/^text in /);
            expect(RAW_TEXT_ELEMENTS.has(found.slice("text in ".length))).toBe(false);
          }
          if (site.kind === "attribute") {
            // The name matters (it picks the encoding); parse5 keeps the first of duplicate attributes.
            expect([`attribute ${site.attribute} of ${site.element}`, "elsewhere"]).toContain(found);
          }
        });
      }),
      { seed: 0x5717_0017, numRuns: 3_000 },
    );
  });
});
