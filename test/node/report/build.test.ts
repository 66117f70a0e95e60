import { describe, expect, it } from "vitest";
import type { StylistEvent } from "../../../src/core/schema/event.ts";
import type { Experiment } from "../../../src/core/schema/experiment.ts";
import { DEFAULT_SETTINGS, type Settings, SettingsSchema } from "../../../src/core/schema/settings.ts";
import { aggregate } from "../../../src/report/aggregate.ts";
import { type BuildOptions, buildReport } from "../../../src/report/build.ts";
import { configsOf } from "../../../src/report/config.ts";
import type { ExperimentReport } from "../../../src/report/model.ts";
import { holmBonferroni } from "../../../src/stats/index.ts";
import { conversion, exposure, heroRules } from "../../support/report-events.ts";
import { type SimulatedArm, simulateEvents } from "../../support/simulate-events.ts";

const SOURCE = { events: "file", file: null, backend: null, rules: "files", rulesVersion: null } as const;

async function reportOf(
  events: StylistEvent[],
  experiments: Experiment[],
  options: Partial<BuildOptions> & { settings?: Settings } = {},
): Promise<ExperimentReport[]> {
  const configs = configsOf({ experiments, settings: options.settings ?? DEFAULT_SETTINGS });
  const result = await aggregate(events, options.by ? { by: options.by } : {});
  return buildReport(result, { configFor: (id) => configs.get(id), source: SOURCE, ...options }).experiments;
}

async function heroReport(
  events: StylistEvent[],
  experiment: Experiment,
  options: Partial<BuildOptions> & { settings?: Settings } = {},
) {
  const found = (await reportOf(events, [experiment], options)).find((e) => e.id === "hero");
  if (!found) throw new Error("no hero report");
  return found;
}

const arms = (control: number, promise: number, rest: Partial<SimulatedArm> = {}): SimulatedArm[] => [
  { id: "control", weight: 1, rate: control, meanValue: 6000, ...rest },
  { id: "promise", weight: 1, rate: promise, meanValue: 6000, ...rest },
];

const planned = heroRules({ plan: { baselineRate: 0.05, minimumEffect: 0.1 } });

describe("the report's sample-ratio check", () => {
  it("flags a broken 50/50 split and gives no verdict", async () => {
    const events: StylistEvent[] = [];
    for (let i = 0; i < 10_000; i++) events.push(exposure(`c${i}`, "control", i / 100));
    for (let i = 0; i < 10_600; i++) events.push(exposure(`p${i}`, "promise", i / 100));
    const hero = await heroReport(events, planned);
    expect(hero.srm.ok).toBe(false);
    expect(hero.srm.p).toBeLessThan(0.001);
    expect(hero.srm.arms.map((arm) => arm.expectedShare)).toEqual([0.5, 0.5]);
    expect(hero.verdict.status).toBe("sample-ratio-mismatch");
    expect(hero.verdict.text).toMatch(/no verdict/i);
  });

  it("accepts a split that matches the configured weights", async () => {
    const events = simulateEvents({ seed: 3, visitors: 20_000, arms: arms(0.05, 0.05) });
    const hero = await heroReport(events, planned);
    expect(hero.srm.ok).toBe(true);
    expect(hero.srm.p).toBeGreaterThan(0.001);
  });

  it("treats visitors in an arm the rules do not have as a mismatch", async () => {
    const hero = await heroReport(
      [exposure("ann", "control"), exposure("bob", "promise"), exposure("cat", "old-variant")],
      planned,
    );
    expect(hero.srm.ok).toBe(false);
    expect(hero.arms.find((arm) => arm.id === "old-variant")?.role).toBe("unexpected");
  });

  it("expects the shares the allocation gives: holdout first, the rest by weight within the coverage", () => {
    const configs = configsOf({
      experiments: [
        heroRules({ holdout: 0.1, coverage: 0.5 }),
        heroRules({ id: "shipped", status: "rolled-out", rollout: "promise", holdout: 0.05 }),
      ],
      settings: { holdout: { share: 0.05 } },
    });
    const shares = (id: string) =>
      Object.fromEntries((configs.get(id)?.arms ?? []).map((arm) => [arm.id, Number(arm.share.toFixed(4))]));
    // 0.9 × 0.5 × ½ each for the variants against 0.1 held out: 0.225 : 0.225 : 0.1.
    expect(shares("hero")).toEqual({ control: 0.4091, promise: 0.4091, holdout: 0.1818 });
    expect(shares("shipped")).toEqual({ promise: 0.95, holdout: 0.05 });
    expect(shares("global-holdout")).toEqual({ personalised: 0.95, holdout: 0.05 });
  });
});

describe("the report's comparisons", () => {
  it("compares a roll-out with its holdout, treatment over baseline", async () => {
    const rolledOut = heroRules({ status: "rolled-out", rollout: "promise", holdout: 0.2 });
    const events = simulateEvents({
      seed: 5,
      visitors: 30_000,
      arms: [
        { id: "promise", weight: 0.8, rate: 0.08, meanValue: 6000 },
        { id: "holdout", weight: 0.2, rate: 0.05, meanValue: 6000 },
      ],
    });
    const hero = await heroReport(events, rolledOut);
    const primary = hero.comparisons.find((c) => c.role === "primary");
    expect(hero.baseline).toBe("holdout");
    expect(primary).toMatchObject({ arm: "promise", baseline: "holdout" });
    expect(primary?.lift).toBeGreaterThan(0.3);
  });

  it("compares the programme's personalised visitors with its holdout", async () => {
    const events = simulateEvents({
      seed: 6,
      visitors: 20_000,
      experiment: "global-holdout",
      arms: [
        { id: "personalised", weight: 0.9, rate: 0.06, meanValue: 6000 },
        { id: "holdout", weight: 0.1, rate: 0.05, meanValue: 6000 },
      ],
    });
    const settings = { ...DEFAULT_SETTINGS, holdout: { share: 0.1, seed: "global-holdout" } };
    const [programme] = await reportOf(events, [], { settings });
    expect(programme?.kind).toBe("programme-holdout");
    expect(programme?.srm.ok).toBe(true);
    expect(
      programme?.comparisons.filter((c) => c.role === "primary").map((c) => [c.arm, c.baseline]),
    ).toEqual([["personalised", "holdout"]]);
  });

  it("leaves an experiment's own holdout out of the comparisons while it runs (it sees the control)", async () => {
    const events = [exposure("ann", "control"), exposure("bob", "promise"), exposure("cat", "holdout")];
    const hero = await heroReport(events, heroRules({ holdout: 0.1 }));
    expect(new Set(hero.comparisons.map((c) => c.arm))).toEqual(new Set(["promise"]));
    expect(hero.arms.find((arm) => arm.id === "holdout")?.role).toBe("holdout");
  });

  it("adjusts p-values across the arms on the primary metric with Holm–Bonferroni", async () => {
    const threeArms = heroRules({
      variants: [
        { id: "control", weight: 1 },
        { id: "promise", weight: 1, ops: [{ op: "setText", selector: "#h", value: "a" }] },
        { id: "price", weight: 1, ops: [{ op: "setText", selector: "#h", value: "b" }] },
      ],
    });
    const events = simulateEvents({
      seed: 9,
      visitors: 30_000,
      arms: [...arms(0.05, 0.056), { id: "price", weight: 1, rate: 0.052, meanValue: 6000 }],
    });
    const hero = await heroReport(events, threeArms);
    const primary = hero.comparisons.filter((c) => c.role === "primary");
    expect(primary.map((c) => c.arm)).toEqual(["promise", "price"]);
    expect(primary.map((c) => c.pAdjusted)).toEqual(holmBonferroni(primary.map((c) => c.p as number)));
  });

  it("orients revenue figures the same way: revenue per visitor by Welch, order value as a ratio", async () => {
    const events = simulateEvents({
      seed: 11,
      visitors: 40_000,
      arms: [
        { id: "control", weight: 1, rate: 0.05, meanValue: 5000 },
        { id: "promise", weight: 1, rate: 0.05, meanValue: 7000 },
      ],
    });
    const hero = await heroReport(events, planned);
    const aov = hero.comparisons.find((c) => c.statistic === "averageOrderValue");
    const rpv = hero.comparisons.find((c) => c.statistic === "revenuePerVisitor");
    expect(aov?.ci[0]).toBeLessThan(0.4);
    expect(aov?.ci[1]).toBeGreaterThan(0.4);
    expect(aov?.p).toBeLessThan(0.001);
    expect(rpv?.lift).toBeGreaterThan(0.2);
    expect(rpv?.role).toBe("secondary");
  });

  it("gives wider always-valid intervals with --sequential", async () => {
    const events = simulateEvents({ seed: 12, visitors: 20_000, arms: arms(0.05, 0.06) });
    const hero = await heroReport(events, planned, { sequential: true });
    for (const c of hero.comparisons.filter((x) => x.ci[0] !== null)) {
      expect(c.sequential?.ci[0]).toBeLessThan(c.ci[0] as number);
      expect(c.sequential?.ci[1]).toBeGreaterThan(c.ci[1] as number);
    }
  });
});

describe("the report's verdict", () => {
  it("says too early before the plan is met, and how far off each requirement is", async () => {
    const events = simulateEvents({ seed: 21, visitors: 20_000, days: 10, arms: arms(0.05, 0.06) });
    const hero = await heroReport(events, planned);
    expect(hero.verdict.status).toBe("too-early");
    const { sampleSize, run, conversions } = hero.verdict.gates ?? {};
    expect(sampleSize).toMatchObject({ met: false, required: 31_234 });
    expect(run).toMatchObject({ met: false, required: 14 });
    expect(conversions?.met).toBe(true);
    expect(hero.verdict.text).toMatch(
      /Too early: [\d,]+ of 31,234 planned visitors in the smallest arm \(\w+, \d+%\): [\d,]+ to go/,
    );
    expect(hero.verdict.text).toMatch(/day 11 of 14 days \(2 whole weeks\): 3 more days to go/);
    expect(hero.verdict.arms).toEqual([]);
  });

  it("counts the minimum run from the phase start when the rules record it", async () => {
    const events = simulateEvents({ seed: 22, visitors: 2_000, days: 3, arms: arms(0.05, 0.05) });
    const configs = configsOf({ experiments: [planned], settings: DEFAULT_SETTINGS, phases: {} });
    const config = configs.get("hero");
    if (!config) throw new Error("no config");
    const since = new Date(Date.UTC(2026, 0, 1)).toISOString();
    const result = await aggregate(events);
    const [hero] = buildReport(result, {
      configFor: () => ({ ...config, phase: 1, since }),
      source: SOURCE,
    }).experiments;
    // The events span three days from 5 January; the phase began on the 1st.
    expect(hero?.sinceSource).toBe("phase");
    expect(hero?.since).toBe(since);
    // 1 to 7 January inclusive, whole UTC days.
    expect(hero?.verdict.gates?.run.actual).toBe(7);
  });

  it("asks for a minimum number of conversions per arm", async () => {
    const events = simulateEvents({ seed: 23, visitors: 2_000, days: 15, arms: arms(0.02, 0.02) });
    const hero = await heroReport(events, heroRules());
    expect(hero.verdict.status).toBe("too-early");
    expect(hero.verdict.text).toMatch(/\d+ of 100 conversions in the smallest arm \(\w+\): \d+ to go/);
    expect(hero.verdict.text).toMatch(/No plan/);
  });

  it("calls a winner once the plan is met", async () => {
    const events = simulateEvents({ seed: 24, visitors: 80_000, days: 15, arms: arms(0.05, 0.06) });
    const hero = await heroReport(events, planned);
    expect(hero.verdict.status).toBe("winner");
    expect(hero.verdict.arms[0]).toMatchObject({ arm: "promise", status: "winner" });
    expect(hero.verdict.text).toMatch(/^promise beats control on purchase: \+\d+\.\d% \(95% CI/);
  });

  it("reports no detectable difference when the plan is met and the arms agree", async () => {
    const events = simulateEvents({ seed: 25, visitors: 80_000, days: 15, arms: arms(0.05, 0.05) });
    const hero = await heroReport(events, planned);
    expect(hero.verdict.status).toBe("no-detectable-difference");
  });

  it("calls out a guardrail that got significantly worse, by its goal's declared direction", async () => {
    const guarded = heroRules({ metrics: { primary: "purchase", guardrails: ["bounce", "add_to_basket"] } });
    const events: StylistEvent[] = [];
    for (let i = 0; i < 2_000; i++) {
      const arm = i % 2 === 0 ? "control" : "promise";
      events.push(exposure(`v${i}`, arm, i));
      const bounceRate = arm === "control" ? 0.3 : 0.4;
      const basketRate = arm === "control" ? 0.3 : 0.2;
      if ((i * 7919) % 1000 < bounceRate * 1000) events.push(conversion(`v${i}`, i + 1, { goal: "bounce" }));
      if ((i * 104_729) % 1000 < basketRate * 1000)
        events.push(conversion(`v${i}`, i + 2, { goal: "add_to_basket" }));
    }
    const settings = SettingsSchema.parse({
      goals: [
        { id: "bounce", direction: "decrease" },
        { id: "add_to_basket", direction: "increase" },
      ],
    });
    const hero = await heroReport(events, guarded, { settings });
    expect(hero.verdict.guardrails.map((g) => g.metric).sort()).toEqual(["add_to_basket", "bounce"]);
    expect(hero.verdict.text).toMatch(/Guardrail bounce conversion rate got worse in promise: \+/);
    expect(hero.verdict.text).toMatch(/Guardrail add_to_basket conversion rate got worse in promise: −/);
  });

  it("gives figures but no verdict for an experiment the rules do not have", async () => {
    const [report] = await reportOf([exposure("ann", "control"), exposure("bob", "promise")], []);
    expect(report?.kind).toBe("unknown");
    expect(report?.baseline).toBe("control");
    expect(report?.verdict.status).toBe("not-configured");
  });

  it("keeps breakdowns exploratory: no adjusted p-values and no verdict per group", async () => {
    const events = simulateEvents({ seed: 26, visitors: 20_000, arms: arms(0.05, 0.06) });
    const hero = await heroReport(events, planned, { by: "device" });
    expect(hero.breakdown?.exploratory).toBe(true);
    expect(hero.breakdown?.groups.map((g) => g.value).sort()).toEqual(["desktop", "mobile", "tablet"]);
    for (const group of hero.breakdown?.groups ?? []) {
      expect(group.comparisons.every((c) => c.pAdjusted === null)).toBe(true);
    }
  });
});
