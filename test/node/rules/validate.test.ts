import { describe, expect, it } from "vitest";
import { validateRuleSources } from "../../../src/rules/validate.ts";
import { ruleFileWith, VALID_RULE_FILE } from "../../fixtures/rule-sources.ts";

type AnyExperiment = Record<string, unknown> & {
  variants: Array<Record<string, unknown> & { ops?: Array<Record<string, unknown>> }>;
};
const experiment = (file: { experiments: unknown[] }, index = 0) => file.experiments[index] as AnyExperiment;

function errorsOf(text: string, file = "rules/home.json") {
  return validateRuleSources([{ file, text }]).errors.map(
    (error) => `${error.file}: ${error.path}: ${error.message}`,
  );
}

describe("validating rule files", () => {
  it("accepts a valid file and fills in defaults", () => {
    const result = validateRuleSources([{ file: "rules/home.json", text: JSON.stringify(VALID_RULE_FILE) }]);
    expect(result.errors).toEqual([]);
    expect(result.experiments[0]).toMatchObject({ coverage: 1, metrics: { secondary: [], guardrails: [] } });
    expect(result.experiments[0]?.variants[0]?.ops).toEqual([]);
  });

  it("names the file and the exact path of a bad selector", () => {
    const text = ruleFileWith((file) => {
      (experiment(file).variants[1]?.ops?.[0] as Record<string, unknown>).selector = "a:hover";
    });
    expect(errorsOf(text)).toEqual([
      'rules/home.json: experiments[0].variants[1].ops[0].selector: ":hover" is not a selector HTMLRewriter supports'.replace(
        '":hover"',
        '"a:hover"',
      ),
    ]);
  });

  it("refuses an experiment without a control arm", () => {
    const text = ruleFileWith((file) => {
      (experiment(file).variants[0] as Record<string, unknown>).id = "baseline";
    });
    expect(errorsOf(text).join("\n")).toMatch(
      /experiments\[0\]\.variants: every experiment needs a variant with id "control"/,
    );
  });

  it("refuses ops on the control and a variant without ops", () => {
    const text = ruleFileWith((file) => {
      experiment(file).variants[0] = { id: "control", weight: 50, ops: [{ op: "remove", selector: "#x" }] };
      experiment(file).variants[1] = { id: "empty", weight: 50 };
    });
    expect(errorsOf(text)).toEqual([
      "rules/home.json: experiments[0].variants[0].ops: the control serves the origin page unchanged, so it has no ops",
      "rules/home.json: experiments[0].variants[1].ops: a variant without ops is a second control; give it at least one op",
    ]);
  });

  it("refuses a missing hypothesis, an unknown field and an unknown op", () => {
    const text = ruleFileWith((file) => {
      delete experiment(file).hypothesis;
      experiment(file).colour = "red";
      (experiment(file).variants[1]?.ops as unknown[])[0] = { op: "explode", selector: "#x" };
    });
    const errors = errorsOf(text).join("\n");
    expect(errors).toContain("experiments[0].hypothesis");
    expect(errors).toContain('experiments[0]: Unrecognized key: "colour"');
    expect(errors).toContain("experiments[0].variants[1].ops[0].op");
  });

  it("refuses script injection routes: event-handler attributes and a style that closes itself", () => {
    const text = ruleFileWith((file) => {
      experiment(file).variants[1] = {
        id: "promise",
        weight: 50,
        ops: [
          { op: "setAttribute", selector: "#x", name: "onclick", value: "alert(1)" },
          { op: "addStyle", css: "</style><script>alert(1)</script>" },
        ],
      };
    });
    const errors = errorsOf(text);
    expect(errors[0]).toMatch(/ops\[0\]\.name: event-handler attributes/);
    expect(errors[1]).toMatch(/ops\[1\]\.css: CSS may not close the <style> element/);
  });

  it("refuses unknown placeholders in text", () => {
    const text = ruleFileWith((file) => {
      (experiment(file).variants[1]?.ops?.[0] as Record<string, unknown>).value = "Hi {{email}}";
    });
    expect(errorsOf(text)[0]).toMatch(/ops\[0\]\.value: unknown placeholder \{\{email\}\}/);
  });

  it("reports invalid JSON with the parser's message and loses nothing else", () => {
    const result = validateRuleSources([
      { file: "rules/broken.json", text: "{ experiments: [" },
      { file: "rules/home.json", text: JSON.stringify(VALID_RULE_FILE) },
    ]);
    expect(result.errors[0]).toMatchObject({ file: "rules/broken.json", path: "(root)" });
    expect(result.errors[0]?.message).toMatch(/^not valid JSON/);
    expect(result.experiments).toEqual([]);
  });

  it("refuses the same experiment id in two files, naming both", () => {
    const text = JSON.stringify(VALID_RULE_FILE);
    const result = validateRuleSources([
      { file: "rules/a.json", text },
      { file: "rules/b.json", text },
    ]);
    expect(result.errors).toEqual([
      {
        file: "rules/b.json",
        path: "experiments[0].id",
        message: '"hero" is also defined in rules/a.json at experiments[0]',
      },
    ]);
  });

  it("warns, without refusing, about a selector that matches by tag alone", () => {
    const text = ruleFileWith((file) => {
      (experiment(file).variants[1]?.ops?.[0] as Record<string, unknown>).selector = "#grid p";
    });
    const result = validateRuleSources([{ file: "rules/home.json", text }]);
    expect(result.errors).toEqual([]);
    expect(result.warnings[0]?.path).toBe("experiments[0].variants[1].ops[0].selector");
  });

  it("refuses weights that are all zero and coverage outside (0, 1]", () => {
    const text = ruleFileWith((file) => {
      experiment(file).coverage = 0;
      for (const variant of experiment(file).variants) variant.weight = 0;
    });
    const errors = errorsOf(text).join("\n");
    expect(errors).toContain("experiments[0].coverage");
    expect(errors).toContain("experiments[0].variants: at least one variant needs a weight above 0");
  });
});
