import { describe, expect, it } from "vitest";
import { closest } from "../../../src/rules/did-you-mean.ts";
import { validateRuleSources } from "../../../src/rules/validate.ts";
import { VALID_RULE_FILE } from "../../fixtures/rule-sources.ts";

function errorsFor(edit: (experiment: Record<string, unknown>) => void): string[] {
  const file = structuredClone(VALID_RULE_FILE) as { experiments: Array<Record<string, unknown>> };
  edit(file.experiments[0] as Record<string, unknown>);
  return validateRuleSources([{ file: "rules/home.json", text: JSON.stringify(file) }]).errors.map(
    (error) => `${error.path}: ${error.message}`,
  );
}

describe("misspelt rule fields and options", () => {
  it("suggest the option meant for a misspelt status", () => {
    expect(errorsFor((experiment) => Object.assign(experiment, { status: "runing" }))).toEqual([
      expect.stringMatching(/^experiments\[0\]\.status: Invalid option: .* — did you mean "running"\?$/),
    ]);
  });

  it("suggest the op meant for a misspelt op name", () => {
    const errors = errorsFor((experiment) => {
      const variants = experiment.variants as Array<{ ops?: Array<Record<string, unknown>> }>;
      const op = variants.find((variant) => variant.ops)?.ops?.[0] as Record<string, unknown>;
      op.op = "setTxt";
    });
    expect(errors.join("\n")).toMatch(/did you mean "setText"\?/);
  });

  it("suggest the required field a misspelt key stands for", () => {
    const errors = errorsFor((experiment) => {
      experiment.metrics = { primray: "purchase" };
    });
    expect(errors.join("\n")).toMatch(
      /experiments\[0\]\.metrics: Unrecognized key: "primray" — did you mean "primary" for "primray"\?/,
    );
  });

  it("say nothing when no option is close", () => {
    expect(closest("zzzzzz", ["running", "paused"])).toBeUndefined();
    expect(closest("Runing", ["running", "paused"])).toBe("running");
  });
});
