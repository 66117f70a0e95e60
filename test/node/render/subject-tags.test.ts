import { describe, expect, it } from "vitest";
import { planEdits } from "../../../src/core/page-view/edit-plan.ts";
import { singletonSubjects, subjectTagsFor } from "../../../src/render/subject-tags.ts";
import { decisionsIn } from "../../support/render-harness.ts";

/** The singletons a page view follows for one experiment decided in `arm`, after `seen` matched elements. */
function followed(arm: string, variants: Record<string, unknown[]>, seen: Array<[string, string]> = []) {
  const decisions = decisionsIn(arm, variants);
  const subjects = subjectTagsFor(
    planEdits(decisions),
    (index) => (decisions[index] as (typeof decisions)[number]).compiled,
  );
  for (const [selector, tag] of seen) subjects.note(selector, tag);
  return [...singletonSubjects(decisions.map(({ compiled }) => compiled))].sort();
}

describe("the document singletons a page view follows (singletonSubjects)", () => {
  it("follows all four for a subject named without a tag that has not been seen in use", () => {
    expect(followed("b", { control: [], b: [{ op: "addClass", selector: ".t", value: "x" }] })).toEqual([
      "body",
      "head",
      "html",
      "title",
    ]);
  });

  it("follows none once such a subject was seen only on other elements, and one it was seen as", () => {
    const variants = { control: [], b: [{ op: "addClass", selector: ".t", value: "x" }] };
    expect(followed("b", variants, [[".t", "div"]])).toEqual([]);
    expect(
      followed("b", variants, [
        [".t", "div"],
        [".t", "body"],
      ]),
    ).toEqual(["body"]);
  });

  it("always follows the singleton a subject names, and only it", () => {
    const variants = { control: [], b: [{ op: "append", selector: "main > title, body", html: "<i>!</i>" }] };
    expect(followed("b", variants, [["main > title, body", "body"]])).toEqual(["body", "title"]);
  });

  it("follows in the control arm what the variant's selectors may match, so both arms follow the same", () => {
    const variants = { control: [], b: [{ op: "setText", selector: "title", value: "New" }] };
    expect(followed("control", variants)).toEqual(["title"]);
    expect(followed("b", variants)).toEqual(["title"]);
  });
});
