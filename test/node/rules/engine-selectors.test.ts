import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { engineSelectorProblem } from "../../../src/cli/wasm-rewriter.ts";
import { formatProblem } from "../../../src/rules/issues.ts";
import { validateRuleSources } from "../../../src/rules/validate.ts";
import { ruleFileWith } from "../../fixtures/rule-sources.ts";

const withSelector = (selector: string) =>
  ruleFileWith((file) => {
    const op = file.experiments[0]?.variants[1]?.ops?.[0] as { selector: string } | undefined;
    if (op) op.selector = selector;
  });

const validate = (text: string) =>
  validateRuleSources([{ file: "rules/hero.json", text }], { selectorEngine: engineSelectorProblem });

describe("selectors are checked by the worker's own engine before a push", () => {
  it.each(["li:nth-child(+)", "li:nth-child()", "a:not(:not(b))", ".a:not(#b > c)"])(
    "refuses %s, which the schema's own check lets through, with the file and exact path",
    (selector) => {
      const result = validate(withSelector(selector));
      expect(result.errors.map(formatProblem)).toEqual([
        expect.stringMatching(
          /^rules\/hero\.json: experiments\[0\]\.variants\[1\]\.ops\[0\]\.selector: the rewriter refuses this selector: /,
        ),
      ]);
      expect(result.experiments).toEqual([]);
    },
  );

  it("checks an experiment's target too", () => {
    const result = validate(
      ruleFileWith((file) => {
        (file.experiments[0] as Record<string, unknown>).target = "li:nth-child()";
      }),
    );
    expect(result.errors.map((problem) => problem.path)).toEqual(["experiments[0].target"]);
  });

  it("never accepts a selector the engine would refuse on the edge (generated selectors)", () => {
    const token = fc.constantFrom(
      "li",
      "a",
      "*",
      "#x",
      ".y",
      "[z]",
      '[a="b"]',
      "[a=b i]",
      ":first-child",
      ":nth-child(2n+1)",
      ":nth-child()",
      ":nth-child(+)",
      ":not(b)",
      ":not(:not(b))",
      ":not(.a > b)",
      ":not()",
      ":first-of-type",
      " ",
      " > ",
      ">>",
      ", ",
      "+",
      "~",
      "(",
      ")",
      "[",
      "]",
      "\\",
      ":",
      "-",
      "_",
      "1",
    );
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 6 }), (tokens) => {
        const selector = tokens.join("");
        const result = validate(withSelector(selector));
        if (result.errors.length === 0) expect(engineSelectorProblem(selector)).toBeUndefined();
      }),
      { seed: 0x5717_0013, numRuns: 400 },
    );
  });
});
