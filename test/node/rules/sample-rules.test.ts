import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRuleFiles } from "../../../src/cli/rule-files.ts";
import { validateRuleSources } from "../../../src/rules/validate.ts";
import { ROOT } from "../../support/run-cli.ts";

describe("the sample rules model the safe setup", () => {
  it("validate with no warnings: the customer cookie is signed (settings.customer.secretVar)", () => {
    const result = validateRuleSources(readRuleFiles(join(ROOT, "rules"), ROOT));
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((warning) => `${warning.path}: ${warning.message}`)).toEqual([]);
  });
});
