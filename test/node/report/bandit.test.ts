/**
 * The report of a bandit experiment: stratified by the period on each exposure (GrowthBook's bandit estimator,
 * gbstats/bayesian/bandits_previous.py: period weights Nₚ/N, variance Σ wₚ²·sₚ²/nₚ) and SRM against each period.
 */
import { describe, expect, it } from "vitest";
import type { StylistEvent } from "../../../src/core/schema/event.ts";
import type { Phase } from "../../../src/core/schema/snapshot.ts";
import { aggregate } from "../../../src/report/aggregate.ts";
import { type BuildOptions, buildReport } from "../../../src/report/build.ts";
import { configsOf } from "../../../src/report/config.ts";
import { renderHtml } from "../../../src/report/render-html.ts";
import { renderText } from "../../../src/report/render-text.ts";
import { conversion, exposure, heroRules } from "../../support/report-events.ts";

const SOURCE = { events: "file", file: null, backend: null, rules: "files", rulesVersion: null } as const;
const op = (value: string) => [{ op: "setText" as const, selector: "#hero h1", value }];
const BANDIT = heroRules({
  variants: [
    { id: "control", weight: 1 },
    { id: "a", weight: 1, ops: op("A") },
    { id: "b", weight: 1, ops: op("B") },
  ],
  allocation: { mode: "bandit", metric: "purchase" },
});
/** Period 1 at thirds, period 2 with b at 70%. */
const PHASE: Phase = {
  phase: 1,
  since: "2026-01-05T09:00:00.000Z",
  allocation: "x",
  highest: 1,
  period: {
    id: 2,
    since: "2026-01-06T09:00:00.000Z",
    weights: { control: 0.2, a: 0.1, b: 0.7 },
    highest: 2,
    past: [{ id: 1, weights: { control: 1 / 3, a: 1 / 3, b: 1 / 3 } }],
  },
};

/** `n` visitors of one arm in one period, `converted` of them buying; the base rate is up in period 2. */
function visitors(arm: string, period: number, n: number, converted: number): StylistEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const name = `${arm}-${period}-${i}`;
    const minute = period * 1_440 + i;
    const seen = exposure(name, arm, minute, { period });
    return i < converted ? [seen, conversion(name, minute + 5)] : [seen];
  }).flat();
}

/** Every arm converts at 10% in period 1 and 30% in period 2: no arm is better than another. */
const EQUAL_ARMS = [
  ...visitors("control", 1, 300, 30),
  ...visitors("a", 1, 300, 30),
  ...visitors("b", 1, 300, 30),
  ...visitors("control", 2, 600, 180),
  ...visitors("a", 2, 300, 90),
  ...visitors("b", 2, 2100, 630),
];

async function banditReport(events: StylistEvent[], options: Partial<BuildOptions> = {}) {
  const configs = configsOf({ experiments: [BANDIT], phases: { hero: PHASE } });
  const sorted = [...events].sort((x, y) =>
    x.type === y.type ? x.ts - y.ts : x.type === "exposure" ? -1 : 1,
  );
  const result = await aggregate(sorted, { by: options.by ?? "period" });
  const report = buildReport(result, {
    configFor: (id) => configs.get(id),
    source: SOURCE,
    ...(options.by ? {} : { periodGroups: true }),
    ...options,
  }).experiments[0];
  if (!report) throw new Error("no report");
  return report;
}

describe("the report of a bandit experiment", () => {
  it("stratifies by period: equal arms come out equal though pooling makes b look better", async () => {
    const report = await banditReport(EQUAL_ARMS);
    const arm = (id: string) => report.bandit?.arms.find((entry) => entry.id === id);
    // Weights: period 1 has 900 of 3,900 visitors, period 2 3,000. Every arm: 900/3900·10% + 3000/3900·30%.
    const truth = (900 / 3900) * 0.1 + (3000 / 3900) * 0.3;
    for (const id of ["control", "a", "b"]) expect(arm(id)?.rate).toBeCloseTo(truth, 12);
    expect(arm("b")?.pooledRate).toBeCloseTo(660 / 2400, 12);
    expect(arm("a")?.pooledRate).toBeCloseTo(120 / 600, 12);
    for (const comparison of report.bandit?.comparisons ?? [])
      expect(comparison.difference).toBeCloseTo(0, 12);
    expect(report.bandit?.periods).toEqual([
      { id: 1, visitors: 900, weight: 900 / 3900, known: true },
      { id: 2, visitors: 3000, weight: 3000 / 3900, known: true },
    ]);
  });

  it("judges the verdict on the stratified rates: equal arms call no winner where the pooled figures would", async () => {
    const report = await banditReport(EQUAL_ARMS);
    const primaryRate = report.comparisons.filter((c) => c.role === "primary" && c.statistic === "rate");
    expect(primaryRate.map((c) => c.method)).toEqual(["period-stratified z", "period-stratified z"]);
    for (const c of primaryRate) {
      expect(c.difference).toBeCloseTo(0, 12);
      expect(c.significant).toBe(false);
    }
    expect(report.verdict.status).not.toBe("winner");
    expect(report.verdict.status).not.toBe("loser");
    // The same events compared pooled (another breakdown asked for, so nothing is stratified): b "wins".
    const pooled = await banditReport(EQUAL_ARMS, { by: "device" });
    const pooledB = pooled.comparisons.find(
      (c) => c.arm === "b" && c.role === "primary" && c.statistic === "rate",
    );
    expect(pooledB?.significant).toBe(true);
  });

  it("has the stratified standard error Σ wₚ²·sₚ²/nₚ", async () => {
    const report = await banditReport(EQUAL_ARMS);
    const s2 = (n: number, c: number) => (c - (c * c) / n) / (n - 1);
    const w1 = 900 / 3900;
    const w2 = 3000 / 3900;
    const variance = (w1 ** 2 * s2(300, 30)) / 300 + (w2 ** 2 * s2(2100, 630)) / 2100;
    expect(report.bandit?.arms.find((arm) => arm.id === "b")?.se).toBeCloseTo(Math.sqrt(variance), 14);
  });

  it("checks SRM against each period's shares: the reweighted split is sound", async () => {
    const report = await banditReport(EQUAL_ARMS);
    expect(report.srm.ok).toBe(true);
    expect(report.srm.df).toBe(4);
    expect(report.srm.note).toMatch(/against each period's shares \(2 periods\)/);
  });

  it("finds a period whose split is off and withholds the verdict", async () => {
    const broken = [
      ...EQUAL_ARMS.filter((e) => !("variant" in e && e.variant === "a" && e.period === 2)),
      ...visitors("a", 2, 150, 45),
    ];
    const report = await banditReport(broken);
    expect(report.srm.ok).toBe(false);
    expect(report.verdict.status).toBe("sample-ratio-mismatch");
  });

  it("warns instead of stratifying when another breakdown was asked for", async () => {
    const report = await banditReport(EQUAL_ARMS, { by: "device" });
    expect(report.bandit).toBeNull();
    expect(report.warnings.join("\n")).toMatch(
      /a bandit experiment: the period-stratified figures and per-period SRM need the report by period/,
    );
  });

  it("shows the stratified section in the text and HTML reports", async () => {
    const configs = configsOf({ experiments: [BANDIT], phases: { hero: PHASE } });
    const sorted = [...EQUAL_ARMS].sort((x, y) =>
      x.type === y.type ? x.ts - y.ts : x.type === "exposure" ? -1 : 1,
    );
    const report = buildReport(await aggregate(sorted, { by: "period" }), {
      configFor: (id) => configs.get(id),
      source: SOURCE,
      periodGroups: true,
    });
    for (const rendered of [renderText(report), renderHtml(report)]) {
      expect(rendered).toContain(
        "Bandit, stratified by allocation period — periods (visitors, weight Nₚ/N): 1: 900 (23.1%), 2: 3000 (76.9%)",
      );
      expect(rendered).toContain("pooled (biased)");
    }
  });

  it("leaves fixed-split experiments as they were", async () => {
    const configs = configsOf({ experiments: [heroRules()] });
    const result = await aggregate([exposure("x", "control", 0)], { by: "period" });
    const report = buildReport(result, {
      configFor: (id) => configs.get(id),
      source: SOURCE,
      periodGroups: true,
    }).experiments[0];
    expect(report && "bandit" in report).toBe(false);
    expect(report?.breakdown).toBeNull();
  });
});
