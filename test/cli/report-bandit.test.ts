import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StylistEvent } from "../../src/core/schema/event.ts";
import type { Report } from "../../src/report/model.ts";
import { writeHeroRules } from "../support/report-fixtures.ts";
import { runCli } from "../support/run-cli.ts";

let dir: string;
let rules: string;
let events: string;

const op = (value: string) => [{ op: "setText", selector: "#hero h1", value }];
let counter = 0;
const uuid = () => `00000000-0000-4000-8000-${(++counter).toString(16).padStart(12, "0")}`;
const T0 = Date.UTC(2026, 0, 5);

/** `n` visitors of an arm in a period, the first `converted` buying: 10% in period 1, 30% in period 2 for every arm. */
function visitors(arm: string, period: number, n: number, converted: number): StylistEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const visitor = `${arm.charCodeAt(0).toString(16)}${period}${i.toString(16).padStart(4, "0")}`.padEnd(
      32,
      "0",
    );
    const ts = T0 + period * 86_400_000 + i * 1_000;
    const exposure: StylistEvent = {
      id: uuid(),
      type: "exposure",
      ts,
      visitor,
      path: "/",
      device: "mobile",
      experiment: "hero",
      variant: arm,
      phase: 1,
      period,
      rulesVersion: 1,
    };
    const bought: StylistEvent = {
      id: uuid(),
      type: "conversion",
      ts: ts + 60_000,
      visitor,
      path: "/done",
      goal: "purchase",
    };
    return i < converted ? [exposure, bought] : [exposure];
  }).flat();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "stylist-report-bandit-"));
  rules = writeHeroRules(dir, {
    variants: [
      { id: "control", weight: 1 },
      { id: "a", weight: 1, ops: op("A") },
      { id: "b", weight: 1, ops: op("B") },
    ],
    metrics: { primary: "purchase" },
    plan: undefined,
    allocation: { mode: "bandit", metric: "purchase" },
  });
  events = join(dir, "events.ndjson");
  const all = [
    ...visitors("control", 1, 90, 9),
    ...visitors("a", 1, 90, 9),
    ...visitors("b", 1, 90, 9),
    ...visitors("control", 2, 60, 18),
    ...visitors("a", 2, 30, 9),
    ...visitors("b", 2, 210, 63),
  ];
  writeFileSync(events, `${all.map((event) => JSON.stringify(event)).join("\n")}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("stylist report on a bandit experiment", { timeout: 120_000 }, () => {
  it("stratifies by period without being asked, in JSON and text", async () => {
    const json = await runCli(["report", "--events", events, "--dir", rules, "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const hero = (JSON.parse(json.stdout) as Report).experiments[0];
    expect(hero?.breakdown).toBeNull();
    const rates = hero?.bandit?.arms.map((arm) => arm.rate) ?? [];
    expect(rates).toHaveLength(3);
    for (const rate of rates) expect(rate).toBeCloseTo((270 / 570) * 0.1 + (300 / 570) * 0.3, 10);
    expect(hero?.bandit?.arms.find((arm) => arm.id === "b")?.pooledRate).toBeCloseTo(72 / 300, 10);
    // Rule files record no reweights: period 2's shares are unknown, so only period 1 is checked.
    expect(hero?.srm.note).toMatch(/period\(s\) 2 not in the rules, not checked/);

    const text = await runCli(["report", "--events", events, "--dir", rules]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      "Bandit, stratified by allocation period — periods (visitors, weight Nₚ/N): 1: 270",
    );
    expect(text.stdout).toMatch(/pooled \(biased\)/);
  });
});
