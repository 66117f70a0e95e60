import { describe, expect, it } from "vitest";
import { assignVariant } from "../../../../src/core/decide/assign.ts";
import type { Variant } from "../../../../src/core/schema/experiment.ts";

const variants: Variant[] = [
  { id: "control", weight: 50, ops: [] },
  { id: "b", weight: 25, ops: [] },
  { id: "c", weight: 25, ops: [] },
];

describe("assigning an arm from a bucket", () => {
  it("gives each variant its weight's share of [0, 1)", () => {
    expect(assignVariant(variants, 1, 0)?.id).toBe("control");
    expect(assignVariant(variants, 1, 0.4999)?.id).toBe("control");
    expect(assignVariant(variants, 1, 0.5)?.id).toBe("b");
    expect(assignVariant(variants, 1, 0.7499)?.id).toBe("b");
    expect(assignVariant(variants, 1, 0.75)?.id).toBe("c");
    expect(assignVariant(variants, 1, 0.9999)?.id).toBe("c");
  });

  it("leaves visitors outside the covered share out of the experiment", () => {
    expect(assignVariant(variants, 0.5, 0.2)?.id).toBe("control");
    expect(assignVariant(variants, 0.5, 0.3)).toBeUndefined();
    expect(assignVariant(variants, 0.5, 0.55)?.id).toBe("b");
    expect(assignVariant(variants, 0.5, 0.65)).toBeUndefined();
  });

  it("never moves a visitor who is already in when coverage is raised", () => {
    for (let i = 0; i < 10_000; i++) {
      const position = i / 10_000;
      const before = assignVariant(variants, 0.3, position);
      const after = assignVariant(variants, 0.9, position);
      if (before) expect(after?.id).toBe(before.id);
    }
  });

  it("never assigns a zero-weight variant", () => {
    const paused: Variant[] = [
      { id: "control", weight: 1, ops: [] },
      { id: "b", weight: 0, ops: [] },
    ];
    for (let i = 0; i < 100; i++) expect(assignVariant(paused, 1, i / 100)?.id).toBe("control");
  });
});
