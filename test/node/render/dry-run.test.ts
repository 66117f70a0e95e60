import { describe, expect, it } from "vitest";
import { planEdits } from "../../../src/core/page-view/edit-plan.ts";
import { withDryRuns } from "../../../src/render/dry-run.ts";
import { decisionsIn } from "../../support/render-harness.ts";

const dryOps = (arm: string, variants: Record<string, unknown[]>, fields?: Record<string, unknown>) => {
  const decisions = decisionsIn(arm, variants, fields);
  return withDryRuns(planEdits(decisions), decisions).flatMap(({ selector, actions }) =>
    actions.filter((action) => action.dry).map((action) => `${selector}: ${action.op?.op}`),
  );
};

describe("other arms' content and end edits run dry in an arm without them (withDryRuns)", () => {
  const variants = {
    control: [],
    b: [
      { op: "append", selector: ".t", html: "<i>A</i>" },
      { op: "setText", selector: "#x", value: "N" },
      { op: "addClass", selector: ".t", value: "x" },
      { op: "prepend", selector: "#y", html: "<i>P</i>" },
    ],
  };

  it("gives the control arm the variant's content and end edits, not its attribute or start-tag ops", () => {
    expect(dryOps("control", variants)).toEqual([".t: append", "#x: setText"]);
  });

  it("gives the arm that makes them none", () => {
    expect(dryOps("b", variants)).toEqual([]);
  });

  it("gives an arm with a content or end edit of its own on a selector none on that selector", () => {
    const three = { ...variants, c: [{ op: "setHtml", selector: ".t", html: "<b>C</b>" }] };
    expect(dryOps("c", three)).toEqual(["#x: setText"]);
  });

  it("watches a selector the arm has no exposure watch on (an experiment with a target)", () => {
    const decisions = decisionsIn("control", variants, { target: "h1" });
    expect(planEdits(decisions).map(({ selector }) => selector)).toEqual(["h1"]);
    expect(withDryRuns(planEdits(decisions), decisions).map(({ selector }) => selector)).toEqual([
      "h1",
      ".t",
      "#x",
    ]);
  });
});
