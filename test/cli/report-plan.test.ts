import { describe, expect, it } from "vitest";
import { planFigures } from "../../src/cli/commands/plan.ts";
import { runCli } from "../support/run-cli.ts";

describe("stylist plan", { timeout: 120_000 }, () => {
  it("matches R's power.prop.test for its documented example", async () => {
    // R ?power.prop.test: power.prop.test(p1 = .50, p2 = .75, power = .90)  ## =>  n = 76.7 (76.70693)
    const result = await runCli([
      "plan",
      "--baseline",
      "0.5",
      "--mde",
      "0.25",
      "--absolute",
      "--power",
      "0.9",
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.n).toBeCloseTo(76.70693, 4);
    expect(plan.visitorsPerArm).toBe(77);
    expect(plan.totalVisitors).toBe(154);
  });

  it("reads a relative effect and turns traffic into days and whole weeks", async () => {
    // 5% → 5.5% at 80% power: R's power equation (solved exactly, as src/stats/power.ts does) gives n = 31,233.4.
    const plan = planFigures({
      baseline: 0.05,
      mde: 0.1,
      relative: true,
      alpha: 0.05,
      power: 0.8,
      arms: 3,
      dailyVisitors: 4000,
    });
    // Three arms: two comparisons, so n is solved at α/2 = 0.025 (the Holm adjustment the report applies):
    // R's power equation for p1 = .05, p2 = .055, sig.level = .025, power = .8, solved exactly: n = 37,823.996.
    expect(plan.visitorsPerArm).toBe(37_824);
    expect(plan.alphaPerComparison).toBe(0.025);
    // 3 × 37,824 = 113,472 visitors at 4,000 a day: 28.4 → 29 days, 5 whole weeks.
    expect([plan.days, plan.weeks]).toEqual([29, 5]);
    const text = await runCli([
      "plan",
      "--baseline",
      "0.05",
      "--mde",
      "0.1",
      "--relative",
      "--daily-visitors",
      "4000",
    ]);
    expect(text.stdout).toMatch(/visitors per arm\s+31,234/);
    expect(text.stdout).toMatch(/16 days at 4,000 visitors a day; plan 3 whole week\(s\)/);
  });

  it("reads --mde as a relative lift, as the rules' minimumEffect is, unless --absolute, and says which", async () => {
    const relative = await runCli(["plan", "--baseline", "0.05", "--mde", "0.1"]);
    expect(relative.code, relative.stderr).toBe(0);
    // The same number in the rules' plan (relative by default) gives the same 31,234 per arm.
    expect(relative.stdout).toMatch(/visitors per arm\s+31,234/);
    expect(relative.stdout).toMatch(/--mde read as a relative lift/);
    expect(relative.stdout).toContain('"plan": {"baselineRate":0.05,"minimumEffect":0.1}');
    const absolute = await runCli(["plan", "--baseline", "0.05", "--mde", "0.005", "--absolute", "--json"]);
    const plan = JSON.parse(absolute.stdout);
    expect([plan.relative, plan.visitorsPerArm]).toEqual([false, 31_234]);
    const both = await runCli(["plan", "--baseline", "0.05", "--mde", "0.1", "--absolute", "--relative"]);
    expect(both.code).toBe(2);
  });

  it("refuses an effect that would take the rate past 100%", async () => {
    const past = await runCli(["plan", "--baseline", "0.6", "--mde", "0.5", "--absolute"]);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/baseline \+ mde/);
  });
});
