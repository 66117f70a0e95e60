import { describe, expect, it } from "vitest";
import { engineSelectorProblem } from "../../../src/cli/wasm-rewriter.ts";
import { isStructural, runWatchSelectors } from "../../../src/render/structural-runs.ts";

const lists = (selector: string) =>
  Object.fromEntries(runWatchSelectors(selector).map(({ tag, selector: list }) => [tag, list]));

describe("which selectors an unclosed run can mislead (isStructural, runWatchSelectors)", () => {
  it("takes child combinators and sibling positions, not plain descendants or attributes that look like them", () => {
    expect(isStructural("ul > li")).toBe(true);
    expect(isStructural("p:first-of-type")).toBe(true);
    expect(isStructural(".a li:nth-child(2n+1)")).toBe(true);
    expect(isStructural("#buy-box .price")).toBe(false);
    expect(isStructural('[title="a > b"]')).toBe(false);
    expect(runWatchSelectors("#buy-box > .price").find(({ tag }) => tag === "li")?.selector).toBe(
      "li > #buy-box, li > p > #buy-box, li > p > p > #buy-box, li > p > p > p > #buy-box, li > .price, li > p > .price, li > p > p > .price, li > p > p > p > .price",
    );
  });

  it("watches each compound, positions left out, right inside the implied-end elements its tag can close", () => {
    const found = lists("ul > li:nth-child(2)");
    expect(found.li).toBe("li > li, li > p > li, li > p > p > li, li > p > p > p > li");
    expect(found.p).toBe("p ul, p li");
    // A compound that can be an element a <p> holds is misplaced by any block that ended the <p> before it.
    expect(lists(".t:nth-child(2)").p).toContain("p div, p dl");
    expect(lists("div > span").p).toContain("p div, p dl");
    expect(found.td).toBeUndefined();
    expect(lists("p:first-of-type").p).toBe("p p");
  });

  it("watches, for a descendant combinator, the start tags that end an element standing for an ancestor compound", () => {
    // Paragraphs left open in an item nest in lol-html (`<li><p>a<p>b<li>`): runs of up to three are watched.
    expect(lists("li li").li).toBe("li > li, li > p > li, li > p > p > li, li > p > p > p > li");
    // Another item is an item too: each `<a>` has an item for an ancestor in the browser as well.
    expect(lists("li a")).toEqual({});
    expect(lists("li.menu a").li).toContain(
      "li.menu > li:not(.menu), li.menu > p > li:not(.menu), li.menu > p > p > li:not(.menu)",
    );
    expect(lists("p span").p).toContain("p div, p dl, p fieldset");
    expect(lists("section p .t").p).toContain("section p div");
    expect(lists(".card .price").li).toContain(
      "li.card > li:not(.card), li.card > li.price, li.card > p > li:not(.card), li.card > p > li.price",
    );
    expect(lists("div span")).toEqual({});
  });

  it("builds lists the rewriter accepts", () => {
    for (const selector of [
      "ul > li",
      ".a > .b:first-child",
      "#x li:nth-of-type(3)",
      "div > :not(.a)",
      "li li",
      ".a.b[x] .c",
      "* a",
      "li:not(.a) b",
    ])
      for (const { selector: list } of runWatchSelectors(selector))
        expect(engineSelectorProblem(list), list).toBeUndefined();
  });
});
