import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadValidRules } from "../../../src/cli/load-rules.ts";
import { strictHtmlProblems } from "../../../src/rules/html-strict.ts";
import { validateRuleSources } from "../../../src/rules/validate.ts";
import { ruleFileWith } from "../../fixtures/rule-sources.ts";

/**
 * `stylist validate` (and so `push`) on rule content that would let a visitor's value, or an obfuscated author
 * value, run or navigate: every refusal names the file, the exact path of the op's field, and why.
 */
const FILE = "rules/home.json";

function errorsForOp(op: Record<string, unknown>): string[] {
  const text = ruleFileWith((file) => {
    const variant = file.experiments[0]?.variants[1] as { ops: unknown[] };
    variant.ops = [op];
  });
  return validateRuleSources([{ file: FILE, text }]).errors.map(
    (error) => `${error.file}: ${error.path}: ${error.message}`,
  );
}

const HTML_PATH = `${FILE}: experiments[0].variants[1].ops[0].html: `;
const VALUE_PATH = `${FILE}: experiments[0].variants[1].ops[0].value: `;
const html = (markup: string) => errorsForOp({ op: "setHtml", selector: "#hero", html: markup });
const attribute = (name: string, value: string) =>
  errorsForOp({ op: "setAttribute", selector: "#cta", name, value });

describe("validate refuses obfuscated script URLs in rule HTML (item 2)", () => {
  it.each([
    ["an entity colon", '<a href="javascript&colon;alert(1)">x</a>'],
    ["a newline entity inside the scheme", '<a href="java&#x0A;script:alert(1)">x</a>'],
    ["a tab entity inside the scheme", '<a href="java&Tab;script:alert(1)">x</a>'],
    ["a raw newline inside the scheme", '<a href="java\nscript:alert(1)">x</a>'],
    ["a raw tab inside the scheme", '<a href="java\tscript:alert(1)">x</a>'],
    ["upper case and a leading space", '<a HREF=" JAVASCRIPT:alert(1)">x</a>'],
    ["padded decimal references without semicolons", '<a href="&#0000106&#0000097vascript:alert(1)">x</a>'],
    ["a hexadecimal reference", '<a href="&#x6A;avascript:alert(1)">x</a>'],
    ["a leading control character", '<a href="\u0001javascript:alert(1)">x</a>'],
    ["vbscript in a form action", '<form action="vbscript:msgbox(1)"></form>'],
    ["javascript in a formaction", '<button formaction="javascript:alert(1)">go</button>'],
    ["javascript in an SVG xlink:href", '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'],
    ["javascript in a poster", '<video poster="javascript:alert(1)"></video>'],
    ["javascript as the second srcset candidate", '<img srcset="/a.png 1x, javascript:alert(1) 2x" alt="">'],
    ["a data: HTML document in an iframe", '<iframe src="data:text/html;base64,PHNjcmlwdD4="></iframe>'],
    ["a data: SVG in an object", '<object data="data:image/svg+xml;base64,PHN2Zz4="></object>'],
    ["MathML href", '<math href="javascript:alert(1)"><mi>x</mi></math>'],
  ])("refuses %s", (_name, markup) => {
    const errors = html(markup);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toContain(HTML_PATH);
    expect(errors[0]).toMatch(/javascript|vbscript|data:/i);
  });

  it.each([
    [
      "srcdoc with escaped markup",
      '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
      /srcdoc/,
    ],
    ["srcdoc in upper case", "<IFRAME SRCDOC='<b>x</b>'></IFRAME>", /srcdoc/],
    ["a meta refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example/">', /http-equiv/],
    ["a base element", '<base href="https://evil.example/">', /base/],
    ["an SVG animation of href", '<svg><a><set attributeName="href" to="/x"/></a></svg>', /animation|set/],
    ["an SVG handler after a slash", "<svg/onload=alert(1)>", /handler/],
    ["a handler glued to a quoted value", '<img src="x.png"onerror=alert(1) alt="">', /handler/],
    ["an unterminated attribute that would swallow the page", '<a title="x>open', /ends inside/],
  ])("refuses %s", (_name, markup, reason) => {
    const errors = html(markup);
    expect(errors[0]).toContain(HTML_PATH);
    expect(errors[0]).toMatch(reason);
  });

  it("still accepts ordinary links, images, mailto: and data: images", () => {
    expect(
      html(
        '<a href="/category/trail">Trail</a> <a href="https://help.example/x?y=1#z">help</a> ' +
          '<a href="mailto:help@shop.example">mail</a> <img src="data:image/png;base64,iVBOR" alt="" ' +
          'srcset="/a.png 1x, /b.png 2x">',
      ),
    ).toEqual([]);
  });
});

describe("validate refuses visitor values where escaping is not enough (item 1)", () => {
  it.each([
    ["inside a <style>", "<style>.x{color:{{utm.campaign}}}</style>", /<style>/],
    ["inside an SVG <style>", "<svg><style>.x{fill:{{utm.campaign}}}</style></svg>", /<style>/],
    ["inside a <script> (as text)", "<script>var x='{{utm.campaign}}'</script>", /script/],
    ["inside a <textarea>", "<textarea>{{utm.campaign}}</textarea>", /textarea/],
    ["inside a <title>", "<title>{{utm.campaign}}</title>", /title/],
    ["inside a <noscript>", "<noscript>{{utm.campaign}}</noscript>", /noscript/],
    ["inside an <xmp>", "<xmp>{{utm.campaign}}</xmp>", /xmp/],
    ["in a handler", "<a onclick=\"track('{{utm.campaign}}')\">x</a>", /handler/],
    ["in srcdoc", '<iframe srcdoc="{{utm.campaign}}"></iframe>', /srcdoc/],
    ["in a meta refresh", '<meta http-equiv="refresh" content="30;url=/{{utm.campaign}}">', /http-equiv/],
    ["in a srcset", '<img srcset="/a.png 1x, /{{utm.campaign}}.png 2x" alt="">', /srcset/],
    ["at the start of a URL", '<a href="{{utm.source}}">x</a>', /may not start with a \{\{placeholder\}\}/],
    ["in the host of a URL", '<a href="https://{{utm.source}}.shop.example/">x</a>', /scheme or host/],
    ["where an empty value makes //host", '<a href="/{{utm.source}}/evil.example">x</a>', /scheme or host/],
    ["in a scheme", '<a href="ht{{utm.source}}tps://shop.example/">x</a>', /htxtps: URL|scheme or host/],
    ["in an unquoted attribute", "<a href=/{{utm.source}}>x</a>", /unquoted|quoted/],
    ["in an attribute name", '<a {{utm.source}}="x">x</a>', /placeholder/],
    ["in a comment", "<!-- {{utm.source}} -->", /comment/],
  ])("refuses a {{placeholder}} %s", (_name, markup, reason) => {
    const errors = html(markup);
    expect(errors[0]).toContain(HTML_PATH);
    expect(errors[0]).toMatch(reason);
  });

  it("accepts placeholders in text, plain attributes, URL paths, queries and one CSS value", () => {
    expect(
      html(
        '<p title="{{utm.source}}">Hello {{city|there}}</p><a href="/sale/{{utm.campaign}}?from={{utm.source}}">x</a>' +
          '<a href="https://shop.example/p/{{utm.campaign}}#{{utm.medium}}">y</a><span style="color: {{utm.campaign|red}}">z</span>',
      ),
    ).toEqual([]);
  });

  it.each([
    ["srcdoc", "<b>x</b>", /srcdoc is refused/],
    ["SRCDOC", "{{utm.source}}", /SRCDOC is refused/],
    ["http-equiv", "refresh", /http-equiv is refused/],
    ["href", "{{utm.source}}", /may not start with a \{\{placeholder\}\}/],
    ["href", "https://{{utm.source}}/", /scheme or host/],
    ["href", "/{{utm.source}}/x", /scheme or host/],
    ["href", "java\nscript:alert(1)", /javascript: URL in href=/],
    ["href", "java\tscript:alert(1)", /javascript: URL in href=/],
    ["src", "\u0000javascript:alert(1)", /javascript: URL/],
    ["action", "VBScript:x", /vbscript: URL/],
    ["formaction", "data:text/html,<script>alert(1)</script>", /data: URL/],
    ["xlink:href", "javascript:alert(1)", /javascript: URL/],
    ["srcset", "/a.png 1x, javascript:alert(1) 2x", /javascript: URL/],
    ["srcset", "/{{utm.source}}.png", /list of URLs/],
  ])("refuses setAttribute %s=%j, at the op's value", (name, value, reason) => {
    const errors = attribute(name, value);
    expect(errors[0]).toContain(VALUE_PATH);
    expect(errors[0]).toMatch(reason);
  });

  it("accepts setAttribute values whose placeholders stay in a path, query or plain attribute", () => {
    expect(attribute("href", "/sale/{{utm.campaign}}")).toEqual([]);
    expect(attribute("href", "https://shop.example/?c={{utm.campaign}}")).toEqual([]);
    expect(attribute("style", "color: {{utm.campaign|red}}")).toEqual([]);
    expect(attribute("data-campaign", "{{utm.campaign}}")).toEqual([]);
    // The worker escapes `&`, so an author's reference stays literal: a relative link, not a script.
    expect(attribute("href", "&#106;avascript:alert(1)")).toEqual([]);
  });

  it("refuses placeholders in addStyle's CSS, which are never filled", () => {
    const errors = errorsForOp({ op: "addStyle", css: ".x{color:{{utm.campaign}}}" });
    expect(errors[0]).toContain(`${FILE}: experiments[0].variants[1].ops[0].css: `);
    expect(errors[0]).toMatch(/not filled in CSS/);
  });
});

describe("the strict check sees what the cheap one cannot", () => {
  it("reads <noscript> content both ways, as a browser with and without scripting does", () => {
    expect(
      strictHtmlProblems('<noscript><a href="java&#x09;script:alert(1)">x</a></noscript>').join(),
    ).toMatch(/javascript/);
  });

  it("reads <template> contents", () => {
    expect(strictHtmlProblems('<template><a href="javascript:alert(1)">x</a></template>').join()).toMatch(
      /javascript/,
    );
  });

  it("finds an unquoted placeholder the browser would split into attributes", () => {
    expect(strictHtmlProblems("<a title={{utm.source}}>x</a>").join()).toMatch(/unquoted/);
    expect(strictHtmlProblems("<a title='{{utm.source}}'>x</a>")).toEqual([]);
  });
});

describe("push refuses what validate refuses", () => {
  it("lists the obfuscated URL with its file and path, and writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "stylist-rules-"));
    const text = ruleFileWith((file) => {
      (file.experiments[0]?.variants[1] as { ops: unknown[] }).ops = [
        { op: "setAttribute", selector: "#cta", name: "formaction", value: "jav\tascript:alert(1)" },
      ];
    });
    writeFileSync(join(dir, "home.json"), text);
    expect(() => loadValidRules(dir)).toThrow(
      /nothing was written:\n.*home\.json: experiments\[0\]\.variants\[1\]\.ops\[0\]\.value: a javascript: URL in formaction=/,
    );
  });
});
