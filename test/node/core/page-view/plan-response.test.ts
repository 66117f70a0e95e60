import { describe, expect, it } from "vitest";
import { productExperiments } from "../../../../bench/rules-fixture.ts";
import { compileRules } from "../../../../src/core/decide/compile.ts";
import { decide } from "../../../../src/core/decide/decide.ts";
import { planResponse, reusePlan } from "../../../../src/core/page-view/plan-response.ts";
import type { Experiment } from "../../../../src/core/schema/experiment.ts";
import { syntheticContext } from "../../../../src/core/visitor/context.ts";
import { everyVisitorIn } from "../../../support/every-visitor-in.ts";

const PATH = "/products/skarn-ridgeline-ultra";
const URL_OF_PAGE = new URL(`https://shop.example${PATH}`);

/** The product experiments, plus one whose variant redirects off-site: refused at run time, so never its arm. */
function decisionsFor(arm: "variant" | "control") {
  const [first] = productExperiments();
  if (!first) throw new Error("the bench fixture has no experiments");
  const offSite: Experiment = {
    ...first,
    id: "pdp-off-site",
    variants: first.variants.map((variant) =>
      variant.id === "control"
        ? variant
        : { ...variant, ops: [{ op: "redirect", url: "https://elsewhere.example/" }] },
    ),
  };
  const rules = compileRules({
    version: 1,
    experiments: everyVisitorIn([...productExperiments(), offSite], arm),
    killed: [],
  });
  return {
    rules,
    decisions: decide(syntheticContext({ visitorId: "0".repeat(32), now: 0, path: PATH }), rules),
  };
}

describe("the plan of a kept rendering served again", () => {
  for (const arm of ["variant", "control"] as const)
    it(`logs the ${arm} arm's decisions and refused redirects as the render did, without a selector plan`, () => {
      const { rules, decisions } = decisionsFor(arm);
      expect(decisions).toHaveLength(11);
      const rendered = planResponse(decisions, URL_OF_PAGE, rules);
      const reused = reusePlan(decisions, URL_OF_PAGE, rules);
      if (rendered.kind !== "render" || reused.kind !== "render") throw new Error("expected render plans");
      expect(reused.decisions).toEqual(rendered.decisions);
      expect(reused.refused).toEqual(rendered.refused);
      expect(reused.refused.filter(Boolean)).toHaveLength(arm === "variant" ? 1 : 0);
      expect(reused.edits).toEqual([]);
      expect(rendered.edits.length).toBeGreaterThan(0);
    });

  it("leaves a page with nothing decided untouched", () => {
    const { rules } = decisionsFor("variant");
    expect(reusePlan([], URL_OF_PAGE, rules)).toEqual({ kind: "untouched" });
  });
});
