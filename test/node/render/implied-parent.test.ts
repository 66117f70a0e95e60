import { describe, expect, it } from "vitest";
import { engineSelectorProblem } from "../../../src/cli/wasm-rewriter.ts";
import { closingBefore, impliedParentSelectors } from "../../../src/render/implied-parent.ts";

const lists = (selector: string) =>
  Object.fromEntries(
    impliedParentSelectors(selector).map(({ mark, selector: list }) => [
      `${mark.tag}${mark.first ? ":first" : ""}${mark.grand ? `<${mark.grand}` : ""}`,
      list,
    ]),
  );

describe("the selectors that tell an element's implied-end parent (impliedParentSelectors)", () => {
  it("watches only the parents a block's start tag can close: a <p>, as any child or as its first", () => {
    expect(lists("div.x")).toEqual({ p: "p > div.x", "p:first": "p > div.x:first-child" });
  });

  it("watches a <li> under a <li>, and under a <p> inside a list item", () => {
    const found = lists("li.t");
    expect(found.li).toBe("li > li.t");
    expect(found["p<li"]).toBe("li > p > li.t, li > p > p > li.t, li > p > p > p > li.t");
    expect(found.td).toBeUndefined();
  });

  it("keeps the selector's own ancestry, and lets the named ancestor be the parent itself", () => {
    expect(lists("#a .b").li).toBe("li#a > .b, #a li > .b");
    expect(lists("#a > .b").li).toBe("li#a > .b");
    expect(lists("ul > li.t").li).toBeUndefined();
  });

  it("builds lists the rewriter accepts", () => {
    for (const selector of ["#a .b", "ul > li.t", ".x, div#y", '[data-x="a > b"] *', "a:not(.b)"])
      for (const { selector: list } of impliedParentSelectors(selector))
        expect(engineSelectorProblem(list), list).toBeUndefined();
  });
});

describe("what is written before an element whose start tag closes its parent (closingBefore)", () => {
  it("closes an item before the next item, and a <p> before a block when the block is its first child", () => {
    expect(closingBefore({ tag: "li", first: false }, "li")).toEqual({ closing: "</li>" });
    expect(closingBefore({ tag: "p", first: true }, "div")).toEqual({ closing: "</p>" });
    expect(closingBefore({ tag: "p", first: false, grand: "li" }, "li")).toEqual({ closing: "</li>" });
  });

  it("writes nothing where the start tag does not close the parent", () => {
    expect(closingBefore({ tag: "li", first: false }, "p")).toEqual({ closing: "" });
    expect(closingBefore({ tag: "p", first: true }, "span")).toEqual({ closing: "" });
    expect(closingBefore(undefined, "div")).toEqual({ closing: "" });
  });

  it("cannot tell for a block after other children of an unclosed <p>: an earlier block may have closed it", () => {
    expect(closingBefore({ tag: "p", first: false }, "div").ambiguous).toMatch(/unclosed <p>/);
  });
});
