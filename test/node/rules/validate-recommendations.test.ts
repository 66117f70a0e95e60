import { describe, expect, it } from "vitest";
import { validateRuleSources } from "../../../src/rules/validate.ts";
import { ruleFileWith } from "../../fixtures/rule-sources.ts";

type AnyExperiment = Record<string, unknown> & {
  variants: Array<Record<string, unknown> & { ops?: Array<Record<string, unknown>> }>;
};

function errorsOf(edit: (experiment: AnyExperiment) => void) {
  const text = ruleFileWith((file) => edit(file.experiments[0] as AnyExperiment));
  return validateRuleSources([{ file: "rules/home.json", text }]).errors.map(
    (error) => `${error.file}: ${error.path}: ${error.message}`,
  );
}

const withOp = (op: string) => (experiment: AnyExperiment) => {
  experiment.variants[1]?.ops?.push({ op, selector: "#hero", position: "append" });
};

describe("validating recommendation ops", () => {
  it.each(["related", "forYou"])("accepts %s in an experiment whose control gets traffic", (op) => {
    expect(errorsOf(withOp(op))).toEqual([]);
  });

  it.each(["related", "forYou"])("refuses %s when the control has no weight, naming the op", (op) => {
    const errors = errorsOf((experiment) => {
      withOp(op)(experiment);
      (experiment.variants[0] as Record<string, unknown>).weight = 0;
    });
    expect(errors).toEqual([
      `rules/home.json: experiments[0].variants[1].ops[1]: ${op} needs a control arm to be tested against: give the "control" variant a weight above 0`,
    ]);
  });

  it("refuses a rolled-out recommendation variant without a holdout, and accepts it with one", () => {
    const rollOut = (holdout: number | undefined) => (experiment: AnyExperiment) => {
      withOp("related")(experiment);
      experiment.status = "rolled-out";
      experiment.rollout = experiment.variants[1]?.id;
      if (holdout !== undefined) experiment.holdout = holdout;
    };
    expect(errorsOf(rollOut(undefined))).toEqual([
      "rules/home.json: experiments[0].variants[1].ops[1]: related needs a control arm to be tested against: a rolled-out recommendation keeps a holdout above 0",
    ]);
    expect(errorsOf(rollOut(0.05))).toEqual([]);
  });
});
