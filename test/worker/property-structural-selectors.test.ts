import fc from "fast-check";
import { serialize } from "parse5";
import { adapter } from "parse5-htmlparser2-tree-adapter";
import { describe, expect, it } from "vitest";
import { parseDocument, querySelectorAll } from "../../src/cli/verify/dom.ts";
import { page } from "../support/page-generator.ts";
import { counted, renderArm } from "../support/render-harness.ts";

const RUNS = { seed: 0x5717_0313, numRuns: 150 };
const rewriter = () => new HTMLRewriter();

/** Selectors that depend on parents or positions, on the generated target (class `t`) and its kind. */
const SELECTORS = [
  ".t:first-child",
  ".t:first-of-type",
  ".t:nth-child(2)",
  "ul > .t",
  "li > .t",
  "div > .t",
  "ul > li",
  "li li",
  "p span",
  "li .t",
  "p .t",
  "dd .t",
  "section p .t",
];

const read = (html: string) => serialize(parseDocument(html), { treeAdapter: adapter });

describe("selectors that depend on parents or positions, on generated pages with unclosed runs", () => {
  it("are counted only where the served DOM has exactly the elements the browser's selector matches changed", async () => {
    await fc.assert(
      fc.asyncProperty(page, fc.constantFrom(...SELECTORS), async ({ html }, selector) => {
        const rendered = await renderArm(
          rewriter,
          html,
          [{ op: "addClass", selector, value: "x" }],
          "variant",
        );
        const expected = parseDocument(html);
        const matches = querySelectorAll(expected, selector);
        for (const element of matches) element.attribs.class = `${element.attribs.class ?? ""} x`.trim();
        if (!counted(rendered.outcome)) return;
        expect(read(rendered.html)).toBe(serialize(expected, { treeAdapter: adapter }));
        expect(matches.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });
});
