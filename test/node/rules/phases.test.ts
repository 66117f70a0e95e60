import { describe, expect, it } from "vitest";
import { compileRules } from "../../../src/core/decide/compile.ts";
import { decide } from "../../../src/core/decide/decide.ts";
import { type ExperimentInput, ExperimentSchema } from "../../../src/core/schema/experiment.ts";
import { syntheticContext } from "../../../src/core/visitor/context.ts";
import { blastRadius } from "../../../src/rules/blast-radius.ts";
import { kvRuleStore } from "../../../src/rules/store.ts";
import { pushRules, readActive, rollback } from "../../../src/rules/versions.ts";
import { VALID_RULE_FILE } from "../../fixtures/rule-sources.ts";
import { memoryKv } from "../../support/memory-kv.ts";

const experiment = (overrides: Partial<ExperimentInput> = {}) =>
  ExperimentSchema.parse({ ...VALID_RULE_FILE.experiments[0], ...overrides });
const withWeights = (control: number, variant: number) =>
  experiment({
    variants: [
      { id: "control", weight: control },
      { id: "promise", weight: variant, ops: [{ op: "setText", selector: "#hero h1", value: "Hello" }] },
    ],
  });
const at = (day: number) => ({ author: "t", message: `day ${day}`, now: new Date(Date.UTC(2026, 10, day)) });

async function phaseAfter(
  store: ReturnType<typeof kvRuleStore>,
  rules: ReturnType<typeof experiment>[],
  day: number,
) {
  const { snapshot } = await pushRules(store, { experiments: rules }, at(day));
  return snapshot.phases.hero;
}

describe("phases", () => {
  it("starts phase 1 on the first push and keeps it while only copy changes", async () => {
    const store = kvRuleStore(memoryKv().kv);
    expect(await phaseAfter(store, [experiment()], 1)).toMatchObject({
      phase: 1,
      since: "2026-11-01T00:00:00.000Z",
    });
    const copyOnly = experiment({
      variants: [
        { id: "control", weight: 50 },
        { id: "promise", weight: 50, ops: [{ op: "setText", selector: "#hero h1", value: "New copy" }] },
      ],
    });
    expect(await phaseAfter(store, [copyOnly], 2)).toMatchObject({
      phase: 1,
      since: "2026-11-01T00:00:00.000Z",
    });
  });

  it.each<[string, Partial<ExperimentInput>]>([
    ["weights", { variants: withWeights(20, 80).variants }],
    ["coverage", { coverage: 0.5 }],
    ["audience", { audience: { device: ["mobile"] } }],
    ["pages", { pages: ["/", "/home"] }],
    ["holdout", { holdout: 0.1 }],
    ["seed", { seed: "reshuffle" }],
  ])("starts a new phase when %s change", async (_name, change) => {
    const store = kvRuleStore(memoryKv().kv);
    await phaseAfter(store, [experiment()], 1);
    expect(await phaseAfter(store, [experiment(change)], 2)).toMatchObject({
      phase: 2,
      since: "2026-11-02T00:00:00.000Z",
    });
  });

  it("starts a new phase when a named audience the experiment refers to is edited", async () => {
    const store = kvRuleStore(memoryKv().kv);
    const targeted = experiment({ audience: { audience: "mobile" } });
    const audience = (device: "mobile" | "tablet") => ({
      id: "mobile",
      reason: "because you are on a phone",
      condition: { device: [device] },
    });
    await pushRules(store, { experiments: [targeted], audiences: [audience("mobile")] }, at(1));
    const { snapshot } = await pushRules(
      store,
      { experiments: [targeted], audiences: [audience("tablet")] },
      at(2),
    );
    expect(snapshot.phases.hero?.phase).toBe(2);
  });

  it("never reuses a phase number after a rollback and a new push", async () => {
    const store = kvRuleStore(memoryKv().kv);
    await phaseAfter(store, [withWeights(50, 50)], 1);
    await phaseAfter(store, [withWeights(20, 80)], 2);
    await rollback(store);
    expect((await readActive(store))?.phases.hero?.phase).toBe(1);
    expect(await phaseAfter(store, [withWeights(50, 50)], 3)).toMatchObject({ phase: 1 });
    expect(await phaseAfter(store, [withWeights(90, 10)], 4)).toMatchObject({ phase: 3 });
  });

  it("never moves a visitor between arms within a phase: the same rules decide the same arm every time", async () => {
    const rules = compileRules({ version: 1, experiments: [withWeights(30, 70)], killed: [] });
    for (let i = 0; i < 2_000; i++) {
      const context = syntheticContext({ visitorId: i.toString(16).padStart(32, "0") });
      expect(decide(context, rules)[0]?.arm).toBe(decide(context, rules)[0]?.arm);
    }
  });

  it("reports the blast radius of a change: new phase and the share of visitors who change arm", () => {
    const [copyChange] = blastRadius(
      { experiments: [withWeights(50, 50)] },
      { experiments: [withWeights(50, 50)] },
    );
    expect(copyChange).toMatchObject({ newPhase: false, armChangeShare: 0 });
    const [reweight] = blastRadius(
      { experiments: [withWeights(50, 50)] },
      { experiments: [withWeights(20, 80)] },
    );
    // Moving the boundary from 0.5 to 0.2 moves the visitors in [0.2, 0.5): 30% of them.
    expect(reweight?.newPhase).toBe(true);
    expect(reweight?.armChangeShare).toBeCloseTo(0.3, 1);
    const [ramp] = blastRadius(
      { experiments: [experiment({ coverage: 0.2 })] },
      { experiments: [experiment({ coverage: 0.6 })] },
    );
    // Raising coverage 0.2 → 0.6 adds visitors (2/3 of those now in) but moves nobody who was in.
    expect(ramp?.armChangeShare).toBeCloseTo(2 / 3, 1);
  });
});
