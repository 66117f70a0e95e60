import { describe, expect, it } from "vitest";
import { ExperimentSchema } from "../../../src/core/schema/experiment.ts";
import { diffExperiments, diffValues, isEmptyDiff } from "../../../src/rules/diff.ts";
import { VALID_RULE_FILE } from "../../fixtures/rule-sources.ts";

const base = ExperimentSchema.parse(VALID_RULE_FILE.experiments[0]);

describe("diffing rules", () => {
  it("reports leaf changes with rule-file paths", () => {
    expect(diffValues({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }], c: true })).toEqual([
      { path: "a[1].b", before: 2, after: 3 },
      { path: "c", before: undefined, after: true },
    ]);
  });

  it("matches experiments by id and lists added, removed, changed and unchanged", () => {
    const changed = ExperimentSchema.parse({ ...VALID_RULE_FILE.experiments[0], status: "paused" });
    const added = ExperimentSchema.parse({ ...VALID_RULE_FILE.experiments[0], id: "new" });
    const removed = ExperimentSchema.parse({ ...VALID_RULE_FILE.experiments[0], id: "old" });
    const same = ExperimentSchema.parse({ ...VALID_RULE_FILE.experiments[0], id: "same" });
    const diff = diffExperiments([base, removed, same], [changed, added, same]);
    expect(diff).toEqual({
      added: ["new"],
      removed: ["old"],
      changed: [{ id: "hero", changes: [{ path: "status", before: "running", after: "paused" }] }],
      unchanged: ["same"],
    });
    expect(isEmptyDiff(diffExperiments([base], [base]))).toBe(true);
  });
});
