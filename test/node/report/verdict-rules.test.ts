import { describe, expect, it } from "vitest";
import { planFigures } from "../../../src/cli/commands/plan.ts";
import type { StylistEvent } from "../../../src/core/schema/event.ts";
import type { Experiment } from "../../../src/core/schema/experiment.ts";
import { DEFAULT_SETTINGS, type Settings, SettingsSchema } from "../../../src/core/schema/settings.ts";
import { aggregate } from "../../../src/report/aggregate.ts";
import { type BuildOptions, buildReport } from "../../../src/report/build.ts";
import { configsOf } from "../../../src/report/config.ts";
import type { ExperimentReport } from "../../../src/report/model.ts";
import { renderText } from "../../../src/report/render-text.ts";
import { validateRuleSources } from "../../../src/rules/validate.ts";
import { powerTwoProportions } from "../../../src/stats/index.ts";
import { ruleFileWith } from "../../fixtures/rule-sources.ts";
import { conversion, exposure, heroRules } from "../../support/report-events.ts";
import { simulateEvents } from "../../support/simulate-events.ts";

const SOURCE = { events: "file", file: null, backend: null, rules: "files", rulesVersion: null } as const;

async function heroOf(
  events: StylistEvent[],
  experiment: Experiment,
  options: Partial<BuildOptions> & { settings?: Settings } = {},
): Promise<ExperimentReport> {
  const configs = configsOf({ experiments: [experiment], settings: options.settings ?? DEFAULT_SETTINGS });
  const report = buildReport(await aggregate(events), {
    configFor: (id) => configs.get(id),
    source: SOURCE,
    ...options,
  });
  const hero = report.experiments.find((e) => e.id === "hero");
  if (!hero) throw new Error("no hero");
  return hero;
}

/** `buyers` of `visitors` per arm convert on `goal`; exposures spread over the first minutes of 5 January. */
function counts(arms: Record<string, [number, number]>, goal = "purchase"): StylistEvent[] {
  const out: StylistEvent[] = [];
  for (const [arm, [visitors, buyers]] of Object.entries(arms)) {
    for (let i = 0; i < visitors; i++) {
      out.push(exposure(`${arm}${i}`, arm, i / 1000));
      if (i < buyers) out.push(conversion(`${arm}${i}`, 5, { goal }));
    }
  }
  return out;
}

describe("the minimum run in whole days", () => {
  const plan = heroRules({
    plan: { baselineRate: 0.05, minimumEffect: 0.5, minimumDays: 14, minimumConversions: 1 },
  });
  const start = Date.UTC(2026, 0, 5, 0, 0, 5);
  const run = (last: number) => [
    { ...exposure("ann", "control"), ts: start },
    { ...exposure("bob", "promise"), ts: start + 1 },
    { ...conversion("ann", 0), ts: last },
    { ...conversion("bob", 0), ts: last },
  ];

  it("opens a 14-day minimum at the end of day 14, not a day late", async () => {
    // Day 1 is 5 January; day 14 is 18 January. 23:59 on the 18th is 13.99 days after the first exposure.
    const hero = await heroOf(run(Date.UTC(2026, 0, 18, 23, 59)), plan);
    expect(hero.runDays).toBe(14);
    expect(hero.verdict.gates?.run).toMatchObject({ met: true, required: 14, actual: 14 });
  });

  it("keeps it closed through day 13", async () => {
    const hero = await heroOf(run(Date.UTC(2026, 0, 17, 23, 59)), plan);
    expect(hero.verdict.gates?.run).toMatchObject({ met: false, actual: 13 });
    expect(hero.verdict.text).toMatch(/day 13 of 14 days \(2 whole weeks\): 1 more day to go/);
  });
});

describe("the experiment's own alpha", () => {
  it("does not flag p = 0.028 significant when the plan's alpha is 0.01, and labels 99% intervals", async () => {
    // 500/10,000 against 570/10,000: pooled z = 2.19, p ≈ 0.028.
    const strict = heroRules({ plan: { baselineRate: 0.05, minimumEffect: 0.1, alpha: 0.01 } });
    const hero = await heroOf(counts({ control: [10_000, 500], promise: [10_000, 570] }), strict);
    const rate = hero.comparisons.find((c) => c.statistic === "rate");
    expect(rate?.p).toBeGreaterThan(0.01);
    expect(rate?.p).toBeLessThan(0.05);
    expect(rate?.significant).toBe(false);
    expect(hero.alpha).toBe(0.01);
    // A 99% interval of an effect with p > 0.01 includes zero, so words, flag and interval agree.
    expect(rate?.differenceCi[0]).toBeLessThan(0);
    const text = renderText({
      ...buildReport(await aggregate([]), { configFor: () => undefined, source: SOURCE }),
      experiments: [hero],
    });
    expect(text).toMatch(/99% CI/);
  });
});

describe("plan with more than two arms", () => {
  it("solves n at the Bonferroni level the report's Holm adjustment needs, so each arm keeps 80% power", () => {
    const plan = planFigures({
      baseline: 0.05,
      mde: 0.1,
      relative: true,
      alpha: 0.05,
      power: 0.8,
      arms: 3,
      dailyVisitors: undefined,
    });
    expect(plan.alphaPerComparison).toBe(0.025);
    expect(plan.correction).toBe("bonferroni");
    const power = (n: number, alpha: number) =>
      powerTwoProportions({ nPerArm: n, p1: 0.05, p2: 0.055, alpha });
    // Holm at level α rejects whatever Bonferroni at α/2 rejects: this is a lower bound of the report's power.
    expect(power(plan.visitorsPerArm, 0.025)).toBeGreaterThanOrEqual(0.8);
    // The unadjusted plan's n gives ~71% under the correction the report applies.
    const naive = planFigures({
      baseline: 0.05,
      mde: 0.1,
      relative: true,
      alpha: 0.05,
      power: 0.8,
      arms: 2,
      dailyVisitors: undefined,
    });
    expect(power(naive.visitorsPerArm, 0.025)).toBeLessThan(0.72);
    expect(plan.visitorsPerArm).toBeGreaterThan(naive.visitorsPerArm);
  });

  it("makes the report's sample-size gate ask for the same n", async () => {
    const three = heroRules({
      plan: { baselineRate: 0.05, minimumEffect: 0.1 },
      variants: [
        { id: "control", weight: 1 },
        { id: "a", weight: 1, ops: [{ op: "setText", selector: "#hero h1", value: "A" }] },
        { id: "b", weight: 1, ops: [{ op: "setText", selector: "#hero h1", value: "B" }] },
      ],
    });
    const hero = await heroOf(counts({ control: [100, 5], a: [100, 5], b: [100, 5] }), three);
    const plan = planFigures({
      baseline: 0.05,
      mde: 0.1,
      relative: true,
      alpha: 0.05,
      power: 0.8,
      arms: 3,
      dailyVisitors: undefined,
    });
    expect(hero.verdict.gates?.sampleSize.required).toBe(plan.visitorsPerArm);
  });
});

describe("guardrail directions", () => {
  const settings = SettingsSchema.parse({
    goals: [
      { id: "returning_visit", direction: "increase" },
      { id: "refund", direction: "decrease" },
      { id: "bounce", direction: "decrease" },
    ],
  });
  const guarded = heroRules({
    metrics: { primary: "purchase", guardrails: ["returning_visit", "refund", "bounce"] },
  });

  it("does not call a guardrail worse when it moved the way its goal declares better", async () => {
    const events = counts({ control: [2000, 300], promise: [2000, 450] }, "returning_visit");
    const hero = await heroOf(events, guarded, { settings });
    const returning = hero.comparisons.find((c) => c.metric === "returning_visit");
    expect(returning?.p).toBeLessThan(0.001);
    expect(hero.verdict.guardrails).toEqual([]);
    expect(hero.verdict.text).not.toMatch(/got worse/);
  });

  it("calls a decrease-goal worse when it goes up", async () => {
    const hero = await heroOf(counts({ control: [2000, 100], promise: [2000, 200] }, "refund"), guarded, {
      settings,
    });
    expect(hero.verdict.guardrails).toMatchObject([{ metric: "refund", direction: "decrease" }]);
    expect(hero.verdict.text).toMatch(/Guardrail refund conversion rate got worse in promise: \+/);
  });

  it("states the family-wise false-alarm rate of several unadjusted guardrails", async () => {
    const events = [
      ...counts({ control: [2000, 100], promise: [2000, 100] }, "refund"),
      ...["returning_visit", "bounce"].flatMap((goal) =>
        ["control", "promise"].flatMap((arm) =>
          Array.from({ length: 100 }, (_, i) => conversion(`${arm}${i}`, 6, { goal })),
        ),
      ),
    ];
    const hero = await heroOf(events, guarded, { settings });
    // Three guardrail rates: 1 − 0.95³ = 14.26%.
    expect(hero.verdict.guardrailFamily).toMatchObject({ tests: 3, alpha: 0.05 });
    expect(hero.verdict.guardrailFamily?.falseAlarmRate).toBeCloseTo(1 - 0.95 ** 3, 12);
    expect(hero.verdict.text).toMatch(
      /3 guardrail tests, each unadjusted at α = 0\.05: .* 14\.3% of the time/,
    );
  });

  it("refuses a rule set whose guardrail goal declares no direction, at the exact path", () => {
    const text = ruleFileWith((file) => {
      file.settings = { goals: [{ id: "returning_visit" }] };
      (file.experiments[0] as { metrics: Record<string, unknown> }).metrics.guardrails = ["returning_visit"];
    });
    const errors = validateRuleSources([{ file: "rules/home.json", text }]).errors.map(
      (e) => `${e.path}: ${e.message}`,
    );
    expect(errors).toEqual([
      'experiments[0].metrics.guardrails[0]: "returning_visit" is a guardrail, so its goal needs a direction: add "direction": "increase" or "decrease" to it in settings.goals',
    ]);
  });
});

describe("the sequential call-out", () => {
  it("prints the same interval it fires on: the always-valid difference, which excludes zero", {
    timeout: 300_000,
  }, async () => {
    let fired = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const events = simulateEvents({
        seed,
        visitors: 20_000,
        days: 5,
        arms: [
          { id: "control", weight: 1, rate: 0.05, meanValue: 6000 },
          { id: "promise", weight: 1, rate: 0.065, meanValue: 6000 },
        ],
      });
      const hero = await heroOf(events, heroRules({ plan: { baselineRate: 0.05, minimumEffect: 0.1 } }), {
        sequential: true,
      });
      for (const callout of hero.verdict.sequential) {
        fired++;
        const rate = hero.comparisons.find((c) => c.arm === callout.arm && c.role === "primary");
        expect(callout.differenceCi).toEqual(rate?.sequential?.differenceCi);
        const [low, high] = callout.differenceCi as [number, number];
        expect(low > 0 || high < 0).toBe(true);
        const pts = (x: number) => `${x > 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(2)} pts`;
        expect(callout.text).toContain(`(${pts(low)} to ${pts(high)}) already excludes zero`);
        // The printed numbers have one sign: no "−9.8% to +104.7%" next to "excludes no difference".
        const printed = /\(([+−][\d.]+) pts to ([+−][\d.]+) pts\)/.exec(callout.text);
        expect(printed?.[1]?.[0]).toBe(printed?.[2]?.[0]);
      }
    }
    expect(fired).toBeGreaterThan(3);
  });
});
