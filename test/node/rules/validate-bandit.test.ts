import { describe, expect, it } from "vitest";
import { validateRuleSources } from "../../../src/rules/validate.ts";
import { VALID_RULE_FILE } from "../../fixtures/rule-sources.ts";

const op = (value: string) => [{ op: "setText", selector: "#hero h1", value }];
const bandit = (overrides: Record<string, unknown> = {}, allocation: Record<string, unknown> = {}) => ({
  ...VALID_RULE_FILE,
  experiments: [
    {
      ...(VALID_RULE_FILE.experiments[0] as Record<string, unknown>),
      variants: [
        { id: "control", weight: 1 },
        { id: "a", weight: 1, ops: op("A") },
        { id: "b", weight: 1, ops: op("B") },
      ],
      metrics: { primary: "purchase" },
      allocation: { mode: "bandit", metric: "purchase", ...allocation },
      ...overrides,
    },
  ],
});

function errorsOf(file: unknown) {
  return validateRuleSources([{ file: "rules/home.json", text: JSON.stringify(file) }]).errors.map(
    (error) => `${error.file}: ${error.path}: ${error.message}`,
  );
}

describe("validating a bandit allocation", () => {
  it("accepts a three-arm bandit and fills in the defaults", () => {
    const result = validateRuleSources([{ file: "rules/home.json", text: JSON.stringify(bandit()) }]);
    expect(result.errors).toEqual([]);
    expect(result.experiments[0]?.allocation).toEqual({
      mode: "bandit",
      metric: "purchase",
      every: "6h",
      burnIn: 200,
      floor: 0.01,
      control: 0.2,
    });
  });

  it("refuses a bandit without a control, naming the allocation's control", () => {
    const file = bandit({
      variants: [
        { id: "baseline", weight: 1, ops: op("base") },
        { id: "a", weight: 1, ops: op("A") },
        { id: "b", weight: 1, ops: op("B") },
      ],
    });
    expect(errorsOf(file)).toContain(
      'rules/home.json: experiments[0].allocation.control: a bandit keeps a fixed share for the "control" variant, and this experiment has none',
    );
  });

  it("refuses a bandit with a single variant besides the control", () => {
    const file = bandit({
      variants: [
        { id: "control", weight: 1 },
        { id: "a", weight: 1, ops: op("A") },
      ],
    });
    expect(errorsOf(file)).toEqual([
      "rules/home.json: experiments[0].allocation.mode: a bandit needs at least two non-control variants to move traffic between",
    ]);
  });

  it("refuses a metric the experiment does not declare, a floor that cannot fit, and a bad period", () => {
    expect(errorsOf(bandit({}, { metric: "signup" }))).toEqual([
      'rules/home.json: experiments[0].allocation.metric: "signup" is not one of this experiment\'s metrics',
    ]);
    expect(errorsOf(bandit({}, { control: 0.9, floor: 0.1 }))).toEqual([
      "rules/home.json: experiments[0].allocation.floor: the control's 0.9 plus a floor of 0.1 for each of 2 variants is more than all the traffic",
    ]);
    expect(errorsOf(bandit({}, { every: "6m" })).join("\n")).toMatch(
      /experiments\[0\]\.allocation\.every: a period such as 30min, 6h or 1d/,
    );
  });
});
