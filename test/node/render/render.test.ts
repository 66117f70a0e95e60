import { describe, expect, it } from "vitest";
import { wasmRewriterFactory } from "../../../src/cli/wasm-rewriter.ts";
import { compileRules } from "../../../src/core/decide/compile.ts";
import { decide } from "../../../src/core/decide/decide.ts";
import type { TemplateValues } from "../../../src/core/html/template.ts";
import { planEdits } from "../../../src/core/page-view/edit-plan.ts";
import { NO_RENDER_DATA } from "../../../src/core/page-view/render-data.ts";
import { ExperimentSchema } from "../../../src/core/schema/experiment.ts";
import type { Op } from "../../../src/core/schema/ops.ts";
import { syntheticContext } from "../../../src/core/visitor/context.ts";
import { renderPage } from "../../../src/render/render.ts";
import { VALID_RULE_FILE } from "../../fixtures/rule-sources.ts";

const PAGE = `<html><head><title>t</title></head><body><section id="hero" class="a b"><h1>Old</h1><p class="intro" title="x">Intro</p></section><p id="other">Other</p></body></html>`;

async function render(ops: Op[], values: TemplateValues = {}, page = PAGE) {
  const experiment = ExperimentSchema.parse({
    ...VALID_RULE_FILE.experiments[0],
    variants: [
      { id: "control", weight: 0 },
      { id: "b", weight: 100, ops },
    ],
  });
  const rules = compileRules({ version: 1, experiments: [experiment], killed: [] });
  const decisions = decide(syntheticContext({ visitorId: "0".repeat(32), now: 0 }), rules);
  const faults: unknown[] = [];
  const rendered = renderPage(
    new Response(page),
    decisions,
    planEdits(decisions),
    { ...NO_RENDER_DATA, values },
    wasmRewriterFactory,
    (e) => faults.push(e),
  );
  return { html: await rendered.response.text(), outcome: await rendered.outcome, faults };
}

describe("applying ops while the page streams (lol-html in Node)", () => {
  it.each<[string, Op, string]>([
    [
      "setText escapes text",
      { op: "setText", selector: "#hero h1", value: "Fish & <chips>" },
      "<h1>Fish &amp; &lt;chips&gt;</h1>",
    ],
    [
      "setHtml keeps markup",
      { op: "setHtml", selector: "#hero h1", html: "New <em>now</em>" },
      "<h1>New <em>now</em></h1>",
    ],
    [
      "replace swaps the element",
      { op: "replace", selector: "#hero h1", html: "<h2>Swap</h2>" },
      '<section id="hero" class="a b"><h2>Swap</h2>',
    ],
    ["remove drops it", { op: "remove", selector: "#other" }, "</section></body>"],
    [
      "insertBefore",
      { op: "insertBefore", selector: "#other", html: "<hr>" },
      '</section><hr><p id="other">',
    ],
    ["insertAfter", { op: "insertAfter", selector: "#other", html: "<hr>" }, "Other</p><hr></body>"],
    ["append", { op: "append", selector: "#other", html: "<b>!</b>" }, "Other<b>!</b></p>"],
    ["prepend", { op: "prepend", selector: "#other", html: "<b>!</b>" }, '<p id="other"><b>!</b>Other'],
    [
      "setAttribute escapes quotes",
      { op: "setAttribute", selector: ".intro", name: "title", value: 'say "hi"' },
      'title="say &quot;hi&quot;"',
    ],
    [
      "removeAttribute",
      { op: "removeAttribute", selector: ".intro", name: "title" },
      '<p class="intro">Intro',
    ],
    ["addClass adds once", { op: "addClass", selector: "#hero", value: "c" }, 'class="a b c"'],
    ["addClass keeps an existing class", { op: "addClass", selector: "#hero", value: "a" }, 'class="a b"'],
    ["removeClass", { op: "removeClass", selector: "#hero", value: "a" }, 'class="b"'],
    [
      "addStyle goes into head",
      { op: "addStyle", css: "h1{color:red}" },
      "<style data-stylist>h1{color:red}</style></head>",
    ],
  ])("%s", async (_name, op, expected) => {
    const { html, outcome } = await render([op]);
    expect(html).toContain(expected);
    expect(outcome).toEqual({ matched: [true], faulted: [false] });
  });

  it("escapes visitor-derived placeholder values in author HTML", async () => {
    const { html } = await render(
      [{ op: "setHtml", selector: "#hero h1", html: "<b>Hello {{utm.campaign}}</b>" }],
      { "utm.campaign": "<img src=x onerror=alert(1)>" },
    );
    expect(html).toContain("<h1><b>Hello &lt;img src=x onerror=alert(1)&gt;</b></h1>");
  });

  it("handles non-ASCII content of any length", async () => {
    const text = "Free next-day delivery — over £50 ".repeat(20);
    expect((await render([{ op: "setText", selector: "#hero h1", value: text }])).html).toContain(text);
  });

  it("records no match when the target is not in the page", async () => {
    const { outcome, html } = await render([{ op: "setText", selector: "#missing", value: "x" }]);
    expect(outcome.matched).toEqual([false]);
    expect(html).toBe(PAGE);
  });
});
