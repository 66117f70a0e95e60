import { describe, expect, it } from "vitest";
import { compileRules } from "../../../src/core/decide/compile.ts";
import { decide } from "../../../src/core/decide/decide.ts";
import { planEdits } from "../../../src/core/page-view/edit-plan.ts";
import { ExperimentSchema } from "../../../src/core/schema/experiment.ts";
import { syntheticContext } from "../../../src/core/visitor/context.ts";
import { withDryRuns } from "../../../src/render/dry-run.ts";

/** The decisions of one visitor put in `arm` of an experiment whose variants have `ops`. */
function decisionsIn(arm: string, variants: Record<string, unknown[]>, fields: Record<string, unknown> = {}) {
  const experiment = ExperimentSchema.parse({
    ...fields,
    id: "exp",
    hypothesis: "A change to this page lifts progression to product pages for every visitor",
    status: "running",
    pages: ["/**"],
    variants: Object.entries(variants).map(([id, ops]) => ({ id, weight: id === arm ? 100 : 0, ops })),
    metrics: { primary: "purchase" },
  });
  const rules = compileRules({ version: 1, experiments: [experiment], killed: [] });
  return decide(syntheticContext({ visitorId: "0".repeat(32), now: 0 }), rules);
}

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
