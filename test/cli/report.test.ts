import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Comparison, Report } from "../../src/report/model.ts";
import { CSV_COLUMNS } from "../../src/report/render-csv.ts";
import { parseCsv } from "../support/csv.ts";
import { writeHeroRules } from "../support/report-fixtures.ts";
import { runCli } from "../support/run-cli.ts";
import { writeSimulation } from "../support/simulate-events.ts";

let dir: string;
let rules: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "stylist-report-"));
  rules = writeHeroRules(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const comparison = (report: Report, statistic: Comparison["statistic"]) => {
  const found = report.experiments[0]?.comparisons.find(
    (c) => c.statistic === statistic && c.metric === "purchase",
  );
  if (!found) throw new Error(`no ${statistic} comparison`);
  return found;
};

describe("stylist report --events", { timeout: 120_000 }, () => {
  it("finds a known effect in a million visitors streamed from NDJSON", { timeout: 240_000 }, async () => {
    // Truth: purchase rate 5.0% → 5.5% (+10%), order values alike (mean £60), so revenue per visitor +10%, AOV 0.
    const file = join(dir, "million.ndjson");
    const started = performance.now();
    const lines = await writeSimulation(file, {
      seed: 20260105,
      visitors: 1_000_000,
      days: 15,
      arms: [
        { id: "control", weight: 1, rate: 0.05, meanValue: 6000 },
        { id: "promise", weight: 1, rate: 0.055, meanValue: 6000 },
      ],
    });
    const generated = performance.now();
    const result = await runCli(["report", "--events", file, "--dir", rules, "--json"]);
    const reported = performance.now();
    rmSync(file);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    const hero = report.experiments[0];
    const rate = comparison(report, "rate");
    const rpv = comparison(report, "revenuePerVisitor");
    const aov = comparison(report, "averageOrderValue");
    console.info(
      `1M visitors, ${lines} lines: generated in ${((generated - started) / 1000).toFixed(1)} s, reported in ${((reported - generated) / 1000).toFixed(1)} s\n` +
        JSON.stringify({
          arms: hero?.arms.map((arm) => [arm.id, arm.visitors, arm.conversions, arm.rate, arm.revenue]),
          srmP: hero?.srm.p,
          rate: [rate.lift, rate.ci, rate.p, rate.chanceToBeat],
          revenuePerVisitor: [rpv.lift, rpv.ci, rpv.p],
          averageOrderValue: [aov.lift, aov.ci, aov.p],
          verdict: hero?.verdict.text,
        }),
    );
    expect(hero?.arms.reduce((sum, arm) => sum + arm.visitors, 0)).toBe(1_000_000);
    expect(hero?.srm.ok).toBe(true);
    expect(rate.ci[0]).toBeLessThan(0.1);
    expect(rate.ci[1]).toBeGreaterThan(0.1);
    expect(rate.p).toBeLessThan(1e-6);
    expect(rate.pAdjusted).toBeLessThan(1e-6);
    expect(rate.chanceToBeat).toBeGreaterThan(0.999);
    expect(rpv.ci[0]).toBeLessThan(0.1);
    expect(rpv.ci[1]).toBeGreaterThan(0.1);
    expect(rpv.p).toBeLessThan(1e-6);
    expect(aov.ci[0]).toBeLessThan(0);
    expect(aov.ci[1]).toBeGreaterThan(0);
    expect(hero?.verdict.status).toBe("winner");
  });

  it("prints CSV that parses into one row per arm and metric", async () => {
    const file = join(dir, "small.ndjson");
    await writeSimulation(file, {
      seed: 4,
      visitors: 5_000,
      arms: [
        { id: "control", weight: 1, rate: 0.05, meanValue: 6000 },
        { id: "promise", weight: 1, rate: 0.06, meanValue: 6000 },
      ],
    });
    const result = await runCli(["report", "--events", file, "--dir", rules, "--csv", "--by", "device"]);
    expect(result.code, result.stderr).toBe(0);
    const [header, ...rows] = parseCsv(result.stdout);
    expect(header).toEqual([...CSV_COLUMNS]);
    for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
    const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const overall = rows.filter((row) => row[column("group")] === "");
    // 2 arms × (purchase rate, revenue per visitor, AOV, bounce rate).
    expect(overall).toHaveLength(8);
    const primary = overall.find(
      (row) => row[column("arm")] === "promise" && row[column("metric_role")] === "primary",
    );
    expect(Number(primary?.[column("lift")])).toBeGreaterThan(-1);
    expect(Number(primary?.[column("p")])).toBeGreaterThanOrEqual(0);
    expect(
      rows
        .filter((row) => row[column("group")] !== "")
        .every((row) => row[column("verdict")] === "exploratory"),
    ).toBe(true);
  });

  it("skips and counts a value above the schema's cap instead of aborting, and caps revenue on request", async () => {
    const file = join(dir, "huge-order.ndjson");
    const lines: string[] = [];
    const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
    const visitor = (n: number) => n.toString(16).padStart(32, "0");
    for (let i = 0; i < 200; i++) {
      const ts = 1_767_600_000_000 + i * 1000;
      const variant = i % 2 === 0 ? "control" : "promise";
      lines.push(
        JSON.stringify({
          id: id(i),
          type: "exposure",
          ts,
          visitor: visitor(i),
          path: "/",
          device: "mobile",
          experiment: "hero",
          variant,
          phase: 1,
          rulesVersion: 1,
        }),
      );
      if (i % 10 === 0 || i === 1) {
        // Visitor 1 reports a £1M order (within the cap) and visitor 0 one of £1bn, above it.
        const value = i === 0 ? 100_000_000_000 : i === 1 ? 100_000_000 : 5000 + i;
        lines.push(
          JSON.stringify({
            id: id(1000 + i),
            type: "conversion",
            ts: ts + 60_000,
            visitor: visitor(i),
            path: "/done",
            goal: "purchase",
            value,
            currency: "GBP",
            orderId: `o${i}`,
          }),
        );
      }
    }
    writeFileSync(file, `${lines.join("\n")}\n`);
    const result = await runCli([
      "report",
      "--events",
      file,
      "--dir",
      rules,
      "--json",
      "--cap-revenue",
      "95",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.input.valuesOverCap).toBe(1);
    expect(report.warnings.join(" ")).toMatch(
      /1 conversion\(s\) skipped: their value is above the event schema's cap/,
    );
    const hero = report.experiments[0];
    const cap = hero?.capping.find((c) => c.goal === "purchase");
    // 20 buyers' revenues, 95th percentile (linear): between the largest ordinary order and the £1M one.
    expect(cap?.capped).toBe(1);
    expect(cap?.cap).toBeGreaterThan(5190);
    expect(cap?.cap).toBeLessThan(100_000_000);
    const promise = hero?.arms.find((arm) => arm.id === "promise");
    // Every revenue figure, arms and comparisons alike, uses the capped values.
    expect(promise?.revenue).toBeLessThan(100_000_000);
    const rpv = hero?.comparisons.find((c) => c.statistic === "revenuePerVisitor");
    expect(rpv?.value).toBeLessThan(100_000_000 / 100);
  });

  it("names the line of a malformed event", async () => {
    const file = join(dir, "broken.ndjson");
    const good = {
      id: "00000000-0000-4000-8000-000000000001",
      type: "exposure",
      ts: 1_767_600_000_000,
      visitor: "0123456789abcdef0123456789abcdef",
      path: "/",
      device: "mobile",
      experiment: "hero",
      variant: "control",
      phase: 1,
      rulesVersion: 1,
    };
    writeFileSync(file, `${JSON.stringify(good)}\n\n{"type": "exposure", oops}\n`);
    const notJson = await runCli(["report", "--events", file, "--dir", rules]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain(`${file}:3: not JSON`);
    writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, device: "fridge" })}\n`);
    const invalid = await runCli(["report", "--events", file, "--dir", rules]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/:2: not a Stylist event: device/);
  });

  it("refuses flags it cannot honour", { timeout: 120_000 }, async () => {
    const file = join(dir, "empty.ndjson");
    writeFileSync(file, "");
    for (const [flags, message] of [
      [["--window", "7x"], "--window takes"],
      [["--by", "browser"], "--by takes"],
      [["--crossovers", "drop"], "--crossovers takes"],
      [["--cap-revenue", "120"], "--cap-revenue takes"],
      [["--cuped", "7x"], "--cuped takes"],
    ] as const) {
      const result = await runCli(["report", "--events", file, "--dir", rules, ...flags]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });
});
