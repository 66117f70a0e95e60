/**
 * Tour step 12's claims on the state `npm start` seeds: the sample rules pushed, the seeded autopilot history written
 * through the same statements into the real migrations (in-memory SQLite standing in for local D1), then the
 * autopilot's own dry run and tick, as `stylist autopilot --dry-run` and GET /__scheduled run them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import {
  DEMO_ARMS,
  DEMO_BANDIT,
  DEMO_BROKEN_SPLIT,
  demoAutopilotHistory,
  ensureDemoAutopilotHistory,
  seedStatements,
} from "../../../demo/autopilot-history.ts";
import { tour } from "../../../demo/tour.ts";
import { autopilotTick, inspect } from "../../../src/autopilot/run.ts";
import { readRuleFiles } from "../../../src/cli/rule-files.ts";
import type { Backend } from "../../../src/cli/stores/types.ts";
import type { SqlQuery } from "../../../src/report/sink-source.ts";
import { kvRuleStore } from "../../../src/rules/store.ts";
import { validateRuleSources } from "../../../src/rules/validate.ts";
import { history, pushRules, readActive } from "../../../src/rules/versions.ts";
import { memoryKv } from "../../support/memory-kv.ts";
import { ROOT } from "../../support/run-cli.ts";

function migratedSink(): SqlQuery {
  const db = new DatabaseSync(":memory:");
  const migrations = join(ROOT, "migrations");
  for (const file of readdirSync(migrations).sort()) db.exec(readFileSync(join(migrations, file), "utf8"));
  return {
    async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
      return db.prepare(sql).all(...(params as (string | number | null)[])) as Row[];
    },
  };
}

const START = new Date("2026-12-06T01:00:00Z");
/** The demo bandit's `every` is 1min: a tick two minutes after npm start may reweight. */
const TICK = new Date(START.getTime() + 2 * 60_000);

async function seededDemo() {
  const result = validateRuleSources(readRuleFiles(join(ROOT, "rules"), ROOT));
  expect(result.errors).toEqual([]);
  const rules = kvRuleStore(memoryKv(1_000).kv);
  const { snapshot } = await pushRules(
    rules,
    { experiments: result.experiments, settings: result.settings, audiences: result.audiences },
    { author: "demo", message: "npm start: sample rules", now: START },
  );
  const sink = migratedSink();
  const events = demoAutopilotHistory(snapshot, START.getTime());
  for (const statement of seedStatements(events)) await sink.query(statement);
  return { rules, sink, snapshot, events };
}

describe("the demo's seeded autopilot history (tour step 12)", () => {
  it("is stored as planted: every visitor once, in the arm and phase the rules give, with the planted orders", async () => {
    const { sink, snapshot } = await seededDemo();
    for (const [experiment, arms] of Object.entries(DEMO_ARMS)) {
      const rows = await sink.query<{ variant: string; visitors: number; buyers: number; phase: number }>(
        `SELECT e.variant AS variant, e.phase AS phase, COUNT(DISTINCT e.visitor) AS visitors,
           COUNT(DISTINCT c.visitor) AS buyers
         FROM events e LEFT JOIN conversions c ON c.visitor = e.visitor AND c.ts >= e.ts AND c.goal = 'purchase'
         WHERE e.experiment = ?1 GROUP BY e.variant, e.phase`,
        [experiment],
      );
      expect(rows.map((row) => row.phase)).toEqual(arms.map(() => snapshot.phases[experiment]?.phase));
      expect(Object.fromEntries(rows.map((row) => [row.variant, [row.visitors, row.buyers]]))).toEqual(
        Object.fromEntries(
          arms.map((arm) => [arm.variant, [arm.visitors, Math.round(arm.visitors * arm.purchaseRate)]]),
        ),
      );
    }
  });

  it("is written once per phase of the bandit: a second npm start on the same state adds nothing", async () => {
    const { snapshot } = await seededDemo();
    const sink = migratedSink();
    const backend = { sink } as unknown as Backend;
    const written = await ensureDemoAutopilotHistory(backend, snapshot, START.getTime());
    expect(written).toBe(demoAutopilotHistory(snapshot, START.getTime()).length);
    const count = async () =>
      (
        await sink.query<{ n: number }>(
          "SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM conversions) AS n",
        )
      )[0]?.n;
    const before = await count();
    expect(before).toBe(written);
    expect(await ensureDemoAutopilotHistory(backend, snapshot, START.getTime() + 60_000)).toBe(0);
    expect(await count()).toBe(before);
  });

  it("makes the dry run find exactly the broken split to pause and the bandit to reweight towards its winner", async () => {
    const { rules, sink } = await seededDemo();
    const { findings, reweights } = await inspect(rules, sink, TICK);
    expect(findings.map((finding) => [finding.experiment, finding.rule, finding.action])).toEqual([
      [DEMO_BROKEN_SPLIT, "srm", "pause"],
    ]);
    expect(reweights).toHaveLength(1);
    const [reweight] = reweights;
    expect(reweight?.experiment).toBe(DEMO_BANDIT);
    expect(reweight?.period.id).toBe(2);
    // The control keeps its fixed share (allocation.control, 20% by default); the seller takes most of the rest.
    expect(reweight?.period.weights.control).toBeCloseTo(0.2, 6);
    expect(reweight?.period.weights.delivery).toBeGreaterThan(0.7);
    expect(reweight?.period.weights.tested).toBeLessThan(0.05);
  });

  it("before the bandit's period is `every` old, the dry run pauses the split but does not reweight yet", async () => {
    const { rules, sink } = await seededDemo();
    const { findings, reweights } = await inspect(rules, sink, new Date(START.getTime() + 10_000));
    expect(findings.map((finding) => finding.experiment)).toEqual([DEMO_BROKEN_SPLIT]);
    expect(reweights).toEqual([]);
  });

  it("one tick writes two rules versions by autopilot, each with its reason, and sends one alert", async () => {
    const { rules, sink, snapshot } = await seededDemo();
    const alerts: string[] = [];
    const result = await autopilotTick({
      rules,
      sink,
      now: TICK,
      alert: async (text) => {
        alerts.push(text);
      },
    });
    const entries = await history(rules);
    expect(entries.map((entry) => [entry.version, entry.author])).toEqual([
      [snapshot.version + 2, "autopilot"],
      [snapshot.version + 1, "autopilot"],
      [snapshot.version, "demo"],
    ]);
    const [reweighted, paused] = entries;
    expect(paused?.message).toMatch(
      /^autopilot paused category-count-split: category-count-split srm: .*control 1150.*p = /,
    );
    expect(reweighted?.message).toMatch(
      /^autopilot reweighted category-intro-bandit: phase 1 period 2: control 20\.0%, tested \d+\.\d%, delivery \d+\.\d%/,
    );
    const active = await readActive(rules);
    expect(active?.killed).toEqual([DEMO_BROKEN_SPLIT]);
    expect(active?.phases[DEMO_BANDIT]?.period?.id).toBe(2);
    expect(result.paused?.version).toBe(snapshot.version + 1);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain(`${DEMO_BROKEN_SPLIT} — srm: paused (rules version ${snapshot.version + 1})`);
  });

  it("the tour names the commands that show it, and the endpoint the demo's wrangler dev runs the cron at", () => {
    const text = tour({
      proxyUrl: "http://127.0.0.1:8787",
      originUrl: "http://127.0.0.1:8788",
      pushedVersion: 1,
      stop: async () => {},
    });
    const step = text.slice(text.indexOf("12. "));
    expect(step).toContain("npx stylist autopilot --dry-run");
    expect(step).toContain("curl -s http://127.0.0.1:8787/__scheduled");
    expect(step).toContain("npx stylist history");
    expect(step).toContain("npx stylist diff --from");
    expect(step).toContain(DEMO_BANDIT);
    expect(step).toContain(DEMO_BROKEN_SPLIT);
  });
});
