import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../../src/core/schema/settings.ts";
import { aggregate } from "../../../src/report/aggregate.ts";
import { buildReport } from "../../../src/report/build.ts";
import { configsOf } from "../../../src/report/config.ts";
import type { Report } from "../../../src/report/model.ts";
import { CSV_COLUMNS, renderCsv } from "../../../src/report/render-csv.ts";
import { renderHtml } from "../../../src/report/render-html.ts";
import { renderText } from "../../../src/report/render-text.ts";
import { parseCsv } from "../../support/csv.ts";
import { conversion, exposure, heroRules } from "../../support/report-events.ts";
import { simulateEvents } from "../../support/simulate-events.ts";

const SOURCE = {
  events: "file",
  file: "events.ndjson",
  backend: null,
  rules: "files",
  rulesVersion: null,
} as const;

async function sampleReport(): Promise<Report> {
  const configs = configsOf({
    experiments: [heroRules({ plan: { baselineRate: 0.05, minimumEffect: 0.1 } })],
    settings: DEFAULT_SETTINGS,
  });
  const events = simulateEvents({
    seed: 31,
    visitors: 10_000,
    arms: [
      { id: "control", weight: 1, rate: 0.05, meanValue: 6000 },
      { id: "promise", weight: 1, rate: 0.06, meanValue: 6000 },
    ],
  });
  return buildReport(await aggregate(events, { by: "country" }), {
    configFor: (id) => configs.get(id),
    source: SOURCE,
    by: "country",
    sequential: true,
  });
}

describe("report renderers", () => {
  it("keeps the documented JSON fields, with null where a figure cannot be computed", async () => {
    const report = JSON.parse(JSON.stringify(await sampleReport()));
    expect(report.schema).toBe("stylist.report/2");
    const [hero] = report.experiments;
    expect(typeof hero.srm.p).toBe("number");
    for (const arm of hero.arms) {
      expect(arm).toMatchObject({
        visitors: expect.any(Number),
        conversions: expect.any(Number),
        revenue: expect.any(Number),
      });
    }
    for (const c of hero.comparisons) {
      expect(Object.keys(c)).toEqual(
        expect.arrayContaining([
          "arm",
          "metric",
          "statistic",
          "lift",
          "ci",
          "p",
          "pAdjusted",
          "chanceToBeat",
        ]),
      );
      expect(c.ci).toHaveLength(2);
    }
    expect(hero.daily.arms.map((arm: { id: string }) => arm.id)).toEqual(["control", "promise"]);
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/);
  });

  it("quotes CSV fields so that names with commas, quotes and line breaks survive", async () => {
    const odd = 'arm, "quoted"\nnext';
    const report = buildReport(
      await aggregate([exposure("ann", "control"), exposure("bob", odd), conversion("bob", 1)]),
      {
        configFor: () => undefined,
        source: SOURCE,
      },
    );
    const rows = parseCsv(renderCsv(report));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1).map((row) => row[CSV_COLUMNS.indexOf("arm")])).toContain(odd);
    for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
  });

  it("says in every CSV row what its value counts: fractions for rates, minor units of the currency for money", async () => {
    const rows = parseCsv(renderCsv(await sampleReport()));
    const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const units = new Map(rows.slice(1).map((row) => [row[column("statistic")], row[column("unit")]]));
    expect(units.get("rate")).toBe("fraction");
    expect(units.get("revenuePerVisitor")).toMatch(/minor units$/);
    expect(units.get("averageOrderValue")).toMatch(/minor units$/);
  });

  it("escapes every name that reaches the HTML, in text and in the SVG charts", async () => {
    const evil = '<img src=x onerror="alert(1)">';
    const events = [
      exposure("ann", "control", 0, { experiment: "hero" }),
      exposure("bob", evil, 0, { experiment: "hero" }),
      exposure("cat", evil, 60 * 24, { experiment: "hero" }),
      conversion("bob", 5),
    ];
    const report = buildReport(await aggregate(events, { by: "source" }), {
      configFor: () => undefined,
      source: { ...SOURCE, file: "</title><script>x</script>" },
      by: "source",
    });
    const html = renderHtml(report);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain('data-series="&lt;img');
  });

  it("prints the verdict and the figures for a terminal", async () => {
    const text = renderText(await sampleReport());
    expect(text).toMatch(/^hero/);
    expect(text).toMatch(/Verdict: TOO EARLY — Too early: /);
    expect(text).toContain("always-valid CI");
    expect(text).toContain("By country, EXPLORATORY.");
  });
});
