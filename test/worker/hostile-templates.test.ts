import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { withoutNonPrintable } from "../../src/core/html/printable.ts";
import { ExperimentSchema } from "../../src/core/schema/experiment.ts";
import worker from "../../src/worker/index.ts";
import { clearRulesCache } from "../../src/worker/rules.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { publish } from "./helpers.ts";

/**
 * Visitor-controlled values (UTM parameters, and Cloudflare's geo fields, faked here through `cf`) flowing into rule
 * templates, through the real worker and workerd's HTMLRewriter. The author's markup is kept; a value never becomes
 * markup, an attribute or a comment, whatever it contains.
 */
const GREETING = ExperimentSchema.parse({
  id: "greeting",
  hypothesis: "Greeting visitors by their campaign and town lifts progression to product pages",
  status: "running",
  pages: ["/"],
  variants: [
    { id: "control", weight: 0 },
    {
      id: "greet",
      weight: 100,
      ops: [
        { op: "setText", selector: "#hero h1", value: "Hello {{utm.source|friend}}" },
        {
          op: "setHtml",
          selector: ".hero-intro",
          html: "<b>{{utm.campaign|kit}}</b> for {{city|your fell}}/{{region|}}/{{country|}}",
        },
        { op: "setAttribute", selector: ".price", name: "data-campaign", value: "{{utm.medium|none}}" },
      ],
    },
  ],
  metrics: { primary: "purchase" },
});

async function page(query: Record<string, string>, cf?: Record<string, unknown>): Promise<string> {
  const url = new URL("https://shop.example/");
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(url, cf ? ({ cf } as RequestInit) : {}), env, ctx);
  const body = await response.text();
  await waitOnExecutionContext(ctx);
  expect(response.status).toBe(200);
  return body;
}

/**
 * The document's structure as a browser tokenises it (workerd's HTMLRewriter is a spec tokeniser): every element
 * with its attribute names, and every comment. A value that became markup would add an element, an attribute or a
 * comment; text inside a quoted attribute value (`data-campaign="<script>"`) is rightly not an element.
 */
async function structure(html: string): Promise<string[]> {
  const found: string[] = [];
  await new HTMLRewriter()
    .on("*", {
      element(element) {
        found.push(`${element.tagName}[${[...element.attributes].map(([name]) => name).join(",")}]`);
      },
      comments() {
        found.push("<!--");
      },
    })
    .transform(new Response(html))
    .text();
  return found;
}
/** The origin's structure plus the author's own <b> in .hero-intro and the data-campaign attribute on .price. */
async function expectedStructure(): Promise<string[]> {
  const origin = await structure(HOME_HTML);
  const intro = origin.indexOf("p[class]");
  const price = origin.lastIndexOf("p[class]");
  expect(price).toBeGreaterThan(intro);
  return [
    ...origin.slice(0, intro + 1),
    "b[]",
    ...origin.slice(intro + 1, price),
    "p[class,data-campaign]",
    ...origin.slice(price + 1),
  ];
}

/** Text and attribute values as the browser would read them back. */
const decode = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

const headline = (html: string) => /<section id="hero"><h1>([^<]*)<\/h1>/.exec(html)?.[1];
/** An attribute's value as a browser reads it, through a spec tokeniser. */
async function attribute(html: string, selector: string, name: string): Promise<string | null | undefined> {
  let value: string | null | undefined;
  await new HTMLRewriter()
    .on(selector, {
      element(element) {
        value = element.getAttribute(name);
      },
    })
    .transform(new Response(html))
    .text();
  return value;
}

const PAYLOADS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>",
  "</h1><script>alert(1)</script><h1>",
  "<!-- x",
  "<![CDATA[<script>alert(1)</script>]]>",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "{{city}} {{utm.source}}",
  "\u2028</p>\u2029<style>*{display:none}</style>",
  "x onmouseover=alert(1) y",
  "%3Cscript%3Ealert(1)%3C/script%3E",
  "\r\n\r\n<html><body>injected",
];

beforeEach(async () => {
  clearRulesCache();
  await publish([GREETING]);
});

describe("template injection through UTM parameters", () => {
  it.each(PAYLOADS)(
    "keeps the UTM value %j as text: no tag, attribute or comment is added",
    async (payload) => {
      const html = await page({ utm_source: payload, utm_campaign: payload, utm_medium: payload });
      expect(await structure(html)).toEqual(await expectedStructure());
      // The value is still there, as text a browser shows literally (lower-cased and trimmed, as UTM values are, and
      // without control, bidi or separator characters, which never belong in a campaign name).
      const kept = withoutNonPrintable(payload).trim().toLowerCase().slice(0, 100);
      expect(decode(headline(html) ?? "")).toBe(`Hello ${kept}`);
      // lol-html escapes only `"` in attribute values, so a visitor's own entity (`&lt;`) is decoded by the browser:
      // harmless inside a quoted value, and listed in docs/security.md. Without `&`, the value arrives exactly.
      if (!kept.includes("&"))
        expect(decode((await attribute(html, ".price", "data-campaign")) ?? "")).toBe(kept);
      expect(html).toContain('<p class="hero-intro"><b>');
    },
  );

  it("caps a 1,500-character UTM value at 100 characters wherever it lands", async () => {
    // Longer query strings exceed the fixture origin's 16 KB request-line limit, and the origin's 431 is passed on.
    const html = await page({ utm_source: "<".repeat(1_500), utm_campaign: "&".repeat(1_500) });
    expect(decode(headline(html) ?? "")).toBe(`Hello ${"<".repeat(100)}`);
    expect(html).toContain(`<b>${"&amp;".repeat(100)}</b>`);
  });

  it("uses the author's fallbacks when no UTM parameter is given", async () => {
    const html = await page({});
    expect(headline(html)).toBe("Hello friend");
    expect(await attribute(html, ".price", "data-campaign")).toBe("none");
  });
});

describe("template injection through Cloudflare's geo fields", () => {
  it.each([
    ["a script tag", { city: "<script>alert(1)</script>", region: '"><svg onload=alert(1)>', country: "G<" }],
    ["look-alike letters and markup", { city: "Keswick</b><i>", region: "Cumbria&amp;", country: "gb" }],
    ["an 81-letter city", { city: "K".repeat(81), region: "R".repeat(500), country: "GBR" }],
    ["non-strings", { city: { toString: "x" }, region: ["Cumbria"], country: 44 }],
  ])("refuses %s and falls back to the author's text", async (_name, cf) => {
    const html = await page({}, cf);
    expect(await structure(html)).toEqual(await expectedStructure());
    expect(html).toContain("<b>kit</b> for your fell//</p>");
  });

  it("renders a real place name with an apostrophe escaped, never as markup", async () => {
    const html = await page({}, { city: "Bishop's Stortford", region: "O'Hare", country: "GB" });
    expect(html).toContain("<b>kit</b> for Bishop&#39;s Stortford/O&#39;Hare/GB</p>");
    expect(await structure(html)).toEqual(await expectedStructure());
  });
});

/**
 * Unsafe today (docs/security.md, finding S5): a placeholder the author put in an unquoted attribute, or at the start
 * of a URL attribute, lets a UTM value add an event handler or a javascript: URL. Enable with the fix; refusing such
 * rules at validation counts as the fix too.
 */
async function publishGreeting(op: Record<string, unknown>): Promise<boolean> {
  const parsed = ExperimentSchema.safeParse({
    ...GREETING,
    variants: [
      { id: "control", weight: 0 },
      { id: "greet", weight: 100, ops: [op] },
    ],
  });
  if (!parsed.success) return false;
  await publish([parsed.data]);
  return true;
}

describe("fixed (S5 in docs/security.md): rule HTML cannot carry script or put visitor values into markup", () => {
  it("never lets a UTM value add an attribute through an author's unquoted attribute", async () => {
    if (
      !(await publishGreeting({
        op: "setHtml",
        selector: ".hero-intro",
        html: "<a href={{utm.source}}>deal</a>",
      }))
    )
      return;
    const html = await page({ utm_source: "x onmouseover=alert(1)" });
    expect(await structure(html)).not.toContain("a[href,onmouseover]");
  });

  it("never lets a UTM value become a javascript: URL", async () => {
    if (
      !(await publishGreeting({
        op: "setAttribute",
        selector: ".price",
        name: "href",
        value: "{{utm.source}}",
      }))
    )
      return;
    const html = await page({ utm_source: "javascript:alert(1)" });
    expect((await attribute(html, ".price", "href")) ?? "").not.toMatch(/^\s*javascript:/i);
  });
});
