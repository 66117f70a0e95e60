import { describe, expect, it } from "vitest";
import { compileRules } from "../../../../src/core/decide/compile.ts";
import { decide } from "../../../../src/core/decide/decide.ts";
import { type ExperimentInput, ExperimentSchema } from "../../../../src/core/schema/experiment.ts";
import { SettingsSchema } from "../../../../src/core/schema/settings.ts";
import { syntheticContext, type VisitorContext } from "../../../../src/core/visitor/context.ts";
import { VALID_RULE_FILE } from "../../../fixtures/rule-sources.ts";

const experiment = (overrides: Partial<ExperimentInput> = {}) =>
  ExperimentSchema.parse({ ...VALID_RULE_FILE.experiments[0], ...overrides });
/**
 * 20,000 visitors: enough for the shares to be checked to within a percentage point or so, and cheap enough that a
 * loaded two-core machine runs each test in well under a second. The tolerance is derived from N, so a larger N only
 * tightens it. Assertions are made once, on the tallies, not per visitor.
 */
const N = 20_000;
const context = (i: number, now = 0): VisitorContext =>
  syntheticContext({ visitorId: i.toString(16).padStart(32, "0"), now });
/** |observed − expected| under 4.5 binomial standard deviations: a false alarm about once in 150,000 runs. */
const withinTolerance = (count: number, share: number) =>
  Math.abs(count - N * share) < 4.5 * Math.sqrt(N * share * (1 - share));

const layered = (id: string, start: number, end: number, selector: string) =>
  experiment({
    id,
    layer: { id: "home-hero", start, end },
    variants: [
      { id: "control", weight: 50 },
      { id: "b", weight: 50, ops: [{ op: "setText", selector, value: id }] },
    ],
  });

describe(`allocation over ${N.toLocaleString("en-GB")} simulated visitors`, { timeout: 180_000 }, () => {
  it("keeps experiments in one layer mutually exclusive, each near its configured share", () => {
    const rules = compileRules({
      version: 1,
      experiments: [
        layered("a", 0, 0.2, "#hero h1"),
        layered("b", 0.2, 0.5, "#hero h1"),
        layered("c", 0.5, 1, "#hero h1"),
      ],
      killed: [],
    });
    const counts = { a: 0, b: 0, c: 0 };
    let notInExactlyOne = 0;
    for (let i = 0; i < N; i++) {
      const decisions = decide(context(i), rules);
      if (decisions.length !== 1) notInExactlyOne++;
      counts[decisions[0]?.compiled.experiment.id as "a" | "b" | "c"]++;
    }
    expect(notInExactlyOne).toBe(0);
    expect(withinTolerance(counts.a, 0.2)).toBe(true);
    expect(withinTolerance(counts.b, 0.3)).toBe(true);
    expect(withinTolerance(counts.c, 0.5)).toBe(true);
  });

  it("holds back the configured share of an experiment as the holdout arm, served the control", () => {
    const rules = compileRules({ version: 1, experiments: [experiment({ holdout: 0.1 })], killed: [] });
    let held = 0;
    let heldOnAVariant = 0;
    for (let i = 0; i < N; i++) {
      const decision = decide(context(i), rules)[0];
      if (decision?.arm === "holdout") {
        held++;
        if (decision.variant.id !== "control") heldOnAVariant++;
      }
    }
    expect(heldOnAVariant).toBe(0);
    expect(withinTolerance(held, 0.1)).toBe(true);
  });

  it("rolls the winner out to everyone but the holdout", () => {
    const rules = compileRules({
      version: 1,
      experiments: [experiment({ status: "rolled-out", rollout: "promise", holdout: 0.05, coverage: 0.3 })],
      killed: [],
    });
    const arms = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const arm = decide(context(i), rules)[0]?.arm ?? "none";
      arms.set(arm, (arms.get(arm) ?? 0) + 1);
    }
    expect([...arms.keys()].sort()).toEqual(["holdout", "promise"]);
    expect(withinTolerance(arms.get("holdout") ?? 0, 0.05)).toBe(true);
  });

  it("keeps a global holdout away from every experiment and logs it as its own arm", () => {
    const rules = compileRules({
      version: 1,
      experiments: [experiment({ id: "one" }), experiment({ id: "two", pages: ["/**"], allowOverlap: true })],
      killed: [],
      settings: SettingsSchema.parse({ holdout: { share: 0.05, seed: "global-holdout" } }),
    });
    let held = 0;
    const wrong = new Set<string>();
    for (let i = 0; i < N; i++) {
      const decisions = decide(context(i), rules);
      const programme = decisions.at(-1);
      if (programme?.compiled.experiment.id !== "global-holdout") wrong.add("programme decision missing");
      if (programme?.arm === "holdout") {
        held++;
        if (decisions.length !== 1) wrong.add("a held-back visitor was in an experiment");
      } else if (programme?.arm !== "personalised" || decisions.length !== 3) {
        wrong.add("a personalised visitor missed an experiment");
      }
    }
    expect([...wrong]).toEqual([]);
    expect(withinTolerance(held, 0.05)).toBe(true);
  });

  it("serves an experiment only inside its schedule", () => {
    const rules = compileRules({
      version: 1,
      experiments: [experiment({ schedule: { start: "2026-12-01T00:00:00Z", end: "2026-12-08T00:00:00Z" } })],
      killed: [],
    });
    expect(decide(context(1, Date.parse("2026-11-30T23:59:59Z")), rules)).toEqual([]);
    expect(decide(context(1, Date.parse("2026-12-01T00:00:00Z")), rules)).toHaveLength(1);
    expect(decide(context(1, Date.parse("2026-12-08T00:00:00Z")), rules)).toEqual([]);
  });

  it("keeps a previewed experiment's layer-mates away, as for a real visitor in that layer", () => {
    const rules = compileRules({
      version: 1,
      experiments: [layered("a", 0, 0.5, "#hero h1"), layered("b", 0.5, 1, "#hero h1")],
      killed: [],
    });
    for (let i = 0; i < 200; i++) {
      const decisions = decide(context(i), rules, { preview: new Map([["a", "b"]]) });
      expect(decisions.map((d) => `${d.compiled.experiment.id}:${d.arm}`)).toEqual(["a:b"]);
    }
  });

  it("lets a preview force any arm, even of a draft, and only on the experiment's pages", () => {
    const rules = compileRules({ version: 1, experiments: [experiment({ status: "draft" })], killed: [] });
    expect(decide(context(1), rules)).toEqual([]);
    const preview = new Map([["hero", "promise"]]);
    expect(decide(context(1), rules, { preview }).map((d) => d.arm)).toEqual(["promise"]);
    expect(decide({ ...context(1), path: "/other" }, rules, { preview })).toEqual([]);
    expect(decide(context(1), rules, { preview: new Map([["hero", "nonexistent"]]) })).toEqual([]);
  });
});
