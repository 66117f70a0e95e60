import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StylistEvent } from "../../../src/core/schema/event.ts";
import { DEFAULT_SETTINGS } from "../../../src/core/schema/settings.ts";
import { aggregate } from "../../../src/report/aggregate.ts";
import { buildReport } from "../../../src/report/build.ts";
import { compare } from "../../../src/report/compare.ts";
import { configsOf } from "../../../src/report/config.ts";
import type { Comparison, Report, Statistic } from "../../../src/report/model.ts";
import { renderCsv } from "../../../src/report/render-csv.ts";
import { renderHtml } from "../../../src/report/render-html.ts";
import { renderText } from "../../../src/report/render-text.ts";
import { type ArmSums, emptyGoalSums } from "../../../src/report/sums.ts";
import { conversion, exposure, heroRules } from "../../support/report-events.ts";

const SOURCE = { events: "file", file: null, backend: null, rules: "files", rulesVersion: null } as const;

async function reportOf(events: StylistEvent[]): Promise<Report> {
  const configs = configsOf({ experiments: [heroRules()], settings: DEFAULT_SETTINGS });
  return buildReport(await aggregate(events), {
    configFor: (id) => configs.get(id),
    source: SOURCE,
    sequential: true,
  });
}

/** `buyers` of `visitors` in each arm buy once at `value` (control) or `value` + 1000 (promise). */
function events(
  arms: { control: [number, number]; promise: [number, number] },
  value = 5000,
): StylistEvent[] {
  const out: StylistEvent[] = [];
  for (const [arm, [visitors, buyers]] of Object.entries(arms)) {
    for (let i = 0; i < visitors; i++) {
      out.push(exposure(`${arm}${i}`, arm, i / 100));
      if (i < buyers)
        out.push(
          conversion(`${arm}${i}`, i / 100 + 1, {
            value: arm === "control" ? value : value + 1000,
            orderId: `${arm}-${i}`,
          }),
        );
    }
  }
  return out;
}

const isPoint = (ci: readonly [number | null, number | null]) =>
  ci[0] !== null && ci[1] !== null && !(ci[1] > ci[0]);

function expectNoPointInterval(c: Comparison): void {
  expect(isPoint(c.ci), `${c.statistic} lift interval`).toBe(false);
  expect(isPoint(c.differenceCi), `${c.statistic} difference interval`).toBe(false);
  expect(isPoint(c.sequential?.ci ?? [null, null])).toBe(false);
  expect(isPoint(c.sequential?.differenceCi ?? [null, null])).toBe(false);
}

describe("zero and tiny counts", () => {
  it("gives an arm with zero conversions a real difference interval and no relative one, with the reason", async () => {
    const report = await reportOf(events({ control: [2000, 100], promise: [2000, 0] }));
    const rate = report.experiments[0]?.comparisons.find((c) => c.statistic === "rate");
    expect(rate?.lift).toBe(-1);
    expect(rate?.ci).toEqual([null, null]);
    expect(rate?.note).toMatch(/fewer than 5 conversions/);
    const [low, high] = rate?.differenceCi ?? [null, null];
    // Newcombe: the treatment's Wilson upper bound at 0/2000 is 0.19%, so the interval is not a point at −5%.
    expect(low).toBeLessThan(-0.05);
    expect(high).toBeGreaterThan(-0.05);
    expect(high).toBeLessThan(0);
    const text = renderText(report);
    expect(text).not.toMatch(/−100\.0% to −100\.0%/);
    expect(text).toMatch(/Not computed/);
    const html = renderHtml(report);
    expect(html).not.toMatch(/−100\.0% to −100\.0%/);
    expect(html).toMatch(/no interval/);
    const csv = renderCsv(report).split("\r\n");
    const header = csv[0]?.split(",") ?? [];
    const row = csv
      .find((line) => line.startsWith("hero,1,,promise,") && line.includes(",rate,"))
      ?.split(",");
    expect(row?.[header.indexOf("ci_low")]).toBe("");
    expect(row?.[header.indexOf("ci_high")]).toBe("");
  });

  it("uses Fisher's exact test when an expected count is below five", async () => {
    const report = await reportOf(events({ control: [40, 4], promise: [40, 0] }));
    const rate = report.experiments[0]?.comparisons.find((c) => c.statistic === "rate");
    expect(rate?.method).toBe("fisher-exact");
    // R: fisher.test(matrix(c(0, 40, 4, 36), 2)) → p-value = 0.1156.
    expect(rate?.p).toBeCloseTo(0.1156, 4);
  });

  it("never calls a single buyer's order value significant", async () => {
    const report = await reportOf(events({ control: [500, 1], promise: [500, 1] }));
    const aov = report.experiments[0]?.comparisons.find((c) => c.statistic === "averageOrderValue");
    expect(aov?.p).toBeNull();
    expect(aov?.significant).toBe(false);
    expect(aov?.ci).toEqual([null, null]);
    expect(aov?.note).toMatch(/fewer than 2 buyers/);
  });

  it("shows no point interval for any comparison of generated small arms (property)", () => {
    const visitor = fc.record({
      orders: fc.integer({ min: 0, max: 3 }),
      value: fc.integer({ min: 0, max: 3 }),
    });
    const arm = fc.array(visitor, { minLength: 1, maxLength: 30 });
    const sumsOf = (visitors: { orders: number; value: number }[]): ArmSums => {
      const goal = { ...emptyGoalSums(), valued: true };
      for (const { orders, value } of visitors) {
        if (orders === 0) continue;
        const revenue = orders * value * 1000;
        goal.converters++;
        goal.orders += orders;
        goal.revenue += revenue;
        goal.revenueSquares += revenue * revenue;
        goal.ordersSquares += orders * orders;
        goal.revenueOrders += revenue * orders;
      }
      return { visitors: visitors.length, goals: new Map([["purchase", goal]]) };
    };
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        for (const statistic of ["rate", "revenuePerVisitor", "averageOrderValue"] as Statistic[]) {
          const c = compare(
            { id: "control", sums: sumsOf(a) },
            { id: "promise", sums: sumsOf(b) },
            "purchase",
            statistic,
            "primary",
            { alpha: 0.05, sequentialTuning: 5000 },
          );
          expectNoPointInterval(c);
          // A p-value of exactly 0 from a handful of visitors is false certainty.
          if (c.p !== null) expect(c.p).toBeGreaterThan(0);
          if (c.p === null || c.ci[0] === null) expect(c.note).not.toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });
});
