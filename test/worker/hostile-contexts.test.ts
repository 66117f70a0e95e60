import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { NO_RENDER_DATA, type RenderData } from "../../src/core/page-view/render-data.ts";
import { ExperimentSchema } from "../../src/core/schema/experiment.ts";
import { type Op, OpSchema } from "../../src/core/schema/ops.ts";
import { applyOp } from "../../src/render/apply-op.ts";
import type { RewriterElement } from "../../src/render/rewriter-types.ts";
import worker from "../../src/worker/index.ts";
import { clearRulesCache } from "../../src/worker/rules.ts";
import { faultCodes, publish } from "./helpers.ts";

/**
 * Visitor values (UTM parameters) in every output context, through workerd's real HTMLRewriter: URL attributes
 * (percent-encoded as one component), CSS (one token), and the contexts no encoding makes safe — script and style
 * content, other raw-text elements, srcdoc, handlers, a meta refresh — where the op is refused on the element and
 * the origin's bytes stay. docs/security.md, "Output contexts", lists them.
 */
const PAGE = `<!doctype html><html><head><title>Shop</title><meta http-equiv="refresh" content="600">
<script id="config">var campaign = "none";</script><style id="theme">.x{color:red}</style></head>
<body><p id="intro">Hi</p><a id="deal" href="/deals">Deals</a><textarea id="note">n</textarea>
<svg><style id="svg-theme">.y{fill:red}</style></svg><iframe id="frame"></iframe><noscript id="ns">x</noscript>
</body></html>`;

const data = (campaign: string): RenderData => ({
  ...NO_RENDER_DATA,
  values: { "utm.campaign": campaign, "utm.source": campaign },
});

/** The page after one op on `selector`, and whether the op was refused (it throws; render.ts then skips it). */
async function rewrite(selector: string, op: Op, campaign: string) {
  let refused = false;
  const html = await new HTMLRewriter()
    .on(selector, {
      element(element) {
        try {
          applyOp(element as unknown as RewriterElement, op, data(campaign));
        } catch {
          refused = true;
        }
      },
    })
    .transform(new Response(PAGE))
    .text();
  return { html, refused };
}

/** An attribute value as a browser reads it: lol-html gives the source text; references are decoded here. */
async function attributeIn(html: string, selector: string, name: string): Promise<string | undefined> {
  let value: string | null = null;
  await new HTMLRewriter()
    .on(selector, {
      element(element) {
        value = element.getAttribute(name);
      },
    })
    .transform(new Response(html))
    .text();
  return value === null ? undefined : decode(value);
}
const decode = (text: string) =>
  text
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

const op = (value: unknown) => OpSchema.parse(value);

const URL_PAYLOADS = [
  "/evil.example/login",
  "\\evil.example",
  "/\\evil.example",
  "//evil.example",
  "%2F%2Fevil.example",
  "javascript:alert(1)",
  "java\tscript:alert(1)",
  "JAVA\nSCRIPT:alert(1)",
  "&#106;avascript:alert(1)",
  "@evil.example",
  "..\\..\\evil.example",
  "\u3002evil.example",
];

describe("URL attributes: a visitor value stays one component of a URL on this site", () => {
  it.each(URL_PAYLOADS)("setAttribute href=/{{utm.campaign}} with %j stays on the shop", async (payload) => {
    const { html, refused } = await rewrite(
      "#deal",
      op({ op: "setAttribute", selector: "#deal", name: "href", value: "/{{utm.campaign}}" }),
      payload,
    );
    expect(refused).toBe(false);
    const href = (await attributeIn(html, "#deal", "href")) ?? "";
    const url = new URL(href, "https://shop.example/page");
    expect(url.origin).toBe("https://shop.example");
    expect(url.pathname.split("/")).toHaveLength(2);
  });

  it.each(URL_PAYLOADS)(
    'rule HTML <a href="/{{utm.campaign}}"> with %j stays on the shop',
    async (payload) => {
      const { html } = await rewrite(
        "#intro",
        op({ op: "setHtml", selector: "#intro", html: '<a id="made" href="/{{utm.campaign}}">deal</a>' }),
        payload,
      );
      const href = (await attributeIn(html, "#made", "href")) ?? "";
      expect(new URL(href, "https://shop.example/page").origin).toBe("https://shop.example");
    },
  );

  it("passes an author's reference through literally: lol-html escapes only `\"`, Stylist escapes `&`", async () => {
    const { html } = await rewrite(
      "#deal",
      op({ op: "setAttribute", selector: "#deal", name: "href", value: '&#106;avascript:alert(1)"x' }),
      "",
    );
    expect(html).toContain('href="&amp;#106;avascript:alert(1)&quot;x"');
    const href = (await attributeIn(html, "#deal", "href")) ?? "";
    expect(new URL(href, "https://shop.example/page").protocol).toBe("https:");
  });
});

describe("CSS: a visitor value is one token, never a declaration", () => {
  it.each([
    "red;position:fixed;inset:0;background:url(https://evil.example/x)",
    "red}body{display:none",
    "expression(alert(1))",
    "url(//evil.example)",
    "\\72 ed",
  ])("setAttribute style with %j falls back to the author's value", async (payload) => {
    const { html } = await rewrite(
      "#intro",
      op({ op: "setAttribute", selector: "#intro", name: "style", value: "color: {{utm.campaign|red}}" }),
      payload,
    );
    expect(await attributeIn(html, "#intro", "style")).toBe("color: red");
  });

  it("keeps a value that is one token", async () => {
    const { html } = await rewrite(
      "#intro",
      op({ op: "setAttribute", selector: "#intro", name: "style", value: "color: {{utm.campaign|red}}" }),
      "#0a0",
    );
    expect(await attributeIn(html, "#intro", "style")).toBe("color: #0a0");
  });
});

describe("contexts no encoding makes safe: the op is refused on the element and the origin's bytes stay", () => {
  const payload = 'x";alert(document.domain);//</script><script>alert(1)</script>';
  it.each([
    ["setText into a <script>", "#config", { op: "setText", selector: "#config", value: "{{utm.campaign}}" }],
    ["author setText into a <script>", "#config", { op: "setText", selector: "#config", value: "alert(1)" }],
    [
      "setHtml into a <style>",
      "#theme",
      { op: "setHtml", selector: "#theme", html: "a{color:{{utm.campaign}}}" },
    ],
    [
      "append into an SVG <style>",
      "#svg-theme",
      { op: "append", selector: "#svg-theme", html: "{{utm.campaign}}" },
    ],
    ["setText into a <textarea>", "#note", { op: "setText", selector: "#note", value: "{{utm.campaign}}" }],
    ["setText into the <title>", "title", { op: "setText", selector: "title", value: "{{utm.campaign}}" }],
    ["prepend into an <iframe>", "#frame", { op: "prepend", selector: "#frame", html: "{{utm.campaign}}" }],
    ["setText into a <noscript>", "#ns", { op: "setText", selector: "#ns", value: "{{utm.campaign}}" }],
    [
      "setAttribute content of a meta refresh",
      "meta",
      { op: "setAttribute", selector: "meta", name: "content", value: "0;url=/{{utm.campaign}}" },
    ],
  ])("refuses %s", async (_name, selector, raw) => {
    const { html, refused } = await rewrite(selector, op(raw), payload);
    expect(refused).toBe(true);
    expect(html).toBe(PAGE);
  });

  /** Ops the schema refuses, as a snapshot written to KV around validation would carry them: refused again here. */
  it.each([
    ["srcdoc", "#frame", "{{utm.campaign}}"],
    ["onclick", "#deal", "track('{{utm.campaign}}')"],
    ["srcset", "#deal", "/{{utm.campaign}}.png 2x"],
    ["http-equiv", "#intro", "{{utm.campaign}}"],
  ])(
    "refuses setAttribute %s with a placeholder even when validation was bypassed",
    async (name, selector, value) => {
      const raw = { op: "setAttribute", selector, name, value } as Op;
      const { html, refused } = await rewrite(selector, raw, payload);
      expect(refused).toBe(true);
      expect(html).toBe(PAGE);
    },
  );

  it("keeps a visitor value in a plain data attribute, quoted and escaped", async () => {
    const raw = op({ op: "setAttribute", selector: "#intro", name: "data-x", value: "{{utm.campaign}}" });
    const { html, refused } = await rewrite("#intro", raw, payload);
    expect(refused).toBe(false);
    expect(await attributeIn(html, "#intro", "data-x")).toBe(payload);
  });

  it("still lets the author set the page title as text", async () => {
    const { html, refused } = await rewrite(
      "title",
      op({ op: "setText", selector: "title", value: "Sale" }),
      "",
    );
    expect(refused).toBe(false);
    expect(html).toContain("<title>Sale</title>");
  });
});

/** Hostile values as a visitor can send them: slashes, backslashes, encodings, entities, controls, case, unicode. */
const hostile = fc.oneof(
  fc
    .array(
      fc.constantFrom(
        "/",
        "\\",
        "//",
        ":",
        "javascript:",
        "JAVA\tSCRIPT:",
        "java\nscript:",
        "%2F",
        "%5c",
        "&colon;",
        "&#106;",
        "&amp;",
        "?",
        "#",
        "@",
        ";",
        "(",
        ")",
        "'",
        '"',
        "<",
        ">",
        "</a>",
        "evil.example",
        "EVIL.EXAMPLE",
        "url(",
        "red",
        "\u0000",
        "\u00a0",
        "\u2028",
        "\u{1F600}",
        "é",
        " ",
      ),
      { maxLength: 10 },
    )
    .map((parts) => parts.join("")),
  fc.string({ maxLength: 60 }),
);

describe("every context through workerd's HTMLRewriter (property-based)", () => {
  const markup =
    '<a id="made" href="/s/{{utm.campaign}}?q={{utm.source}}" style="color: {{utm.campaign|red}}" ' +
    'title="{{utm.campaign}}">{{utm.campaign}}</a>';
  const shape = async (html: string) => {
    const found: string[] = [];
    await new HTMLRewriter()
      .on("*", {
        element(element) {
          found.push(`${element.tagName}[${[...element.attributes].map(([name]) => name).join()}]`);
        },
      })
      .transform(new Response(html))
      .text();
    return found;
  };

  it("a value never adds markup, leaves the shop, or becomes more than one CSS token", async () => {
    const expected = await shape(
      (await rewrite("#intro", op({ op: "setHtml", selector: "#intro", html: markup }), "x")).html,
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (value) => {
        const { html, refused } = await rewrite(
          "#intro",
          op({ op: "setHtml", selector: "#intro", html: markup }),
          value,
        );
        expect(refused).toBe(false);
        expect(await shape(html)).toEqual(expected);
        const href = (await attributeIn(html, "#made", "href")) ?? "";
        expect(new URL(href, "https://shop.example/page").origin).toBe("https://shop.example");
        expect(await attributeIn(html, "#made", "style")).toMatch(/^color: -?[A-Za-z0-9#.%]*$/);
      }),
      { seed: 0x5717_0015, numRuns: 150 },
    );
  });

  it("setAttribute keeps a URL on the shop and a style to one token, for any value", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (value) => {
        const link = await rewrite(
          "#deal",
          op({ op: "setAttribute", selector: "#deal", name: "href", value: "/s/{{utm.campaign}}" }),
          value,
        );
        const href = (await attributeIn(link.html, "#deal", "href")) ?? "";
        expect(new URL(href, "https://shop.example/page").origin).toBe("https://shop.example");
        const styled = await rewrite(
          "#intro",
          op({ op: "setAttribute", selector: "#intro", name: "style", value: "color: {{utm.campaign|red}}" }),
          value,
        );
        expect(await attributeIn(styled.html, "#intro", "style")).toMatch(/^color: -?[A-Za-z0-9#.%]*$/);
      }),
      { seed: 0x5717_0016, numRuns: 150 },
    );
  });
});

/** Through the real worker: a refused op costs only its experiment, logged as op_failed, and the page is served. */
describe("through the worker", () => {
  let errors: MockInstance<typeof console.error>;
  beforeEach(() => {
    clearRulesCache();
    errors = vi.spyOn(console, "error").mockImplementation(() => {});
  });
  afterEach(() => errors.mockRestore());

  async function page(ops: unknown[], query: string): Promise<string> {
    await publish([
      ExperimentSchema.parse({
        id: "contexts",
        hypothesis: "Echoing the visitor's campaign in the page lifts progression to product pages",
        status: "running",
        pages: ["/"],
        variants: [
          { id: "control", weight: 0 },
          { id: "echo", weight: 100, ops },
        ],
        metrics: { primary: "purchase" },
      }),
    ]);
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request(`https://shop.example/?${query}`), env, ctx);
    const body = await response.text();
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    return body;
  }

  it("keeps a campaign link on the shop when utm_campaign is /evil.example/login", async () => {
    const html = await page(
      [{ op: "setHtml", selector: ".hero-intro", html: '<a id="camp" href="/{{utm.campaign}}">deal</a>' }],
      "utm_campaign=/evil.example/login",
    );
    const href = (await attributeIn(html, "#camp", "href")) ?? "";
    expect(href).toBe("/%2Fevil.example%2Flogin");
    expect(new URL(href, "https://shop.example/").origin).toBe("https://shop.example");
  });

  it("serves the origin's title and logs op_failed when a visitor value would go into the <title>", async () => {
    const html = await page(
      [{ op: "setText", selector: "title", value: "{{utm.campaign}}" }],
      "utm_campaign=%3C/title%3E%3Cscript%3Ealert(1)%3C/script%3E",
    );
    expect(html).toContain("<title>Fellside</title>");
    expect(faultCodes(errors)).toContain("op_failed");
  });
});
