import { describe, expect, it } from "vitest";
import { engineSelectorProblem } from "../../../src/cli/wasm-rewriter.ts";
import { descendantsOf, IMPLIED_IN_BODY } from "../../../src/render/descendant-selectors.ts";

const parts = (list: string) => list.split(", ");

describe("the elements a watch on an edited element is shown (descendantsOf)", () => {
  it("shows every element inside a target whose content is edited", () => {
    expect(descendantsOf("#a, .b > li", true)).toBe("#a *, .b > li *");
  });

  it("shows the children, and what is inside those with an implied end, of a known tag that is only appended to", () => {
    expect(parts(descendantsOf("#a > section.x", false))).toEqual([
      "#a > section.x > *",
      ...IMPLIED_IN_BODY.map((tag) => `#a > section.x > ${tag} *`),
    ]);
  });

  it("shows every element inside an appended-to element whose own end the parser may imply", () => {
    expect(descendantsOf('ul > li[data-x="a b"]', false)).toBe('ul > li[data-x="a b"] *');
  });

  it("splits a subject that names no tag into the two cases, by its tag, on the subject's compound", () => {
    const list = parts(descendantsOf('#a .b[title="x > y"]:nth-child(2n+1)', false));
    expect(list).toContain('#a .b[title="x > y"]:nth-child(2n+1) > *');
    expect(list).toContain('#a .b[title="x > y"]:nth-child(2n+1) > li *');
    expect(list).toContain('#a li.b[title="x > y"]:nth-child(2n+1) *');
    expect(list).toContain('#a p.b[title="x > y"]:nth-child(2n+1) *');
    expect(parts(descendantsOf("*.c", false))).toContain("td.c *");
  });

  it("puts on a subject named without a tag only the closer-aware tags it was seen with, once it has been seen", () => {
    const seen = (tags: string[]) => ({ tags: new Set(tags), children: new Set(IMPLIED_IN_BODY) });
    const children = ["#d > *", ...IMPLIED_IN_BODY.map((tag) => `#d > ${tag} *`)];
    expect(parts(descendantsOf("#d", false, seen(["p"])))).toEqual([...children, "p#d *"]);
    expect(parts(descendantsOf("#d", false, seen([])))).toEqual(children);
    expect(parts(descendantsOf("#d", false))).toContain("h2#d *");
    expect(descendantsOf("#d", true, seen([]))).toBe("#d *");
  });

  it("watches inside an appended-to element's children only those seen without their end tag, once it has been seen", () => {
    const seen = { tags: new Set<string>(), children: new Set(["li"]) };
    expect(parts(descendantsOf("section#d", false, seen))).toEqual(["section#d > *", "section#d > li *"]);
  });

  it("builds selectors the rewriter accepts", () => {
    for (const selector of [
      "#description",
      "section.x",
      "li",
      ".a > .b",
      "[data-x]",
      "*",
      ":not(.a)",
      "#a li:first-child",
    ])
      for (const content of [true, false])
        expect(engineSelectorProblem(descendantsOf(selector, content)), selector).toBeUndefined();
  });
});
