import { describe, expect, it } from "vitest";
import { decideAutopilot, type PeriodArm } from "../../../src/autopilot/decide.ts";
import { AUTOPILOT_AUTHOR, autopilotTick } from "../../../src/autopilot/run.ts";
import type { SqlQuery } from "../../../src/report/sink-source.ts";
import { kvRuleStore } from "../../../src/rules/store.ts";
import { history, pushRules, readActive, rollback } from "../../../src/rules/versions.ts";
import { heroExperiment } from "../../fixtures/experiments.ts";
import { memoryKv } from "../../support/memory-kv.ts";

const ID = "hero-headline";
const PUSHED = new Date("2026-12-01T00:00:00.000Z");
const hours = (h: number) => new Date(PUSHED.getTime() + h * 3_600_000);
const op = (value: string) => [{ op: "setText" as const, selector: "#hero h1", value }];

const BANDIT = heroExperiment({
  variants: [
    { id: "control", weight: 1 },
    { id: "a", weight: 1, ops: op("A") },
    { id: "b", weight: 1, ops: op("B") },
  ],
  allocation: { mode: "bandit", metric: "purchase", every: "6h", burnIn: 200 },
});

/** A sink whose per-period counts are `rows`; the other autopilot queries see the same visitors, pooled. */
function sinkOf(rows: PeriodArm[]): SqlQuery {
  return {
    async query<Row>(sql: string): Promise<Row[]> {
      if (sql.includes("AS period")) return rows.map((row) => ({ ...row, variant: row.arm })) as Row[];
      if (sql.includes("COUNT(*) AS visitors")) {
        const arms = new Map<string, number>();
        for (const row of rows) arms.set(row.arm, (arms.get(row.arm) ?? 0) + row.visitors);
        return [...arms].map(([variant, visitors]) => ({ variant, visitors })) as Row[];
      }
      return [];
    },
  };
}

/** Period 1 at thirds: b converts at 15%, the others at 5%. */
const BURNT_IN: PeriodArm[] = [
  { period: 1, arm: "control", visitors: 300, converted: 15 },
  { period: 1, arm: "a", visitors: 300, converted: 15 },
  { period: 1, arm: "b", visitors: 300, converted: 45 },
];

async function pushed() {
  const rules = kvRuleStore(memoryKv().kv);
  await pushRules(rules, { experiments: [BANDIT] }, { author: "ana", message: "bandit", now: PUSHED });
  return rules;
}

describe("a bandit reweight in the autopilot tick", () => {
  it("writes a new allocation period as a rules version by autopilot, control fixed, the winner favoured", async () => {
    const rules = await pushed();
    const result = await autopilotTick({ rules, sink: sinkOf(BURNT_IN), now: hours(7) });
    expect(result.reweighted?.author).toBe(AUTOPILOT_AUTHOR);
    expect(result.reweighted?.message).toMatch(
      /^autopilot reweighted hero-headline: phase 1 period 2: control 20\.0%, a \d+\.\d%, b \d+\.\d% \(P\(best\) on purchase: a 0\.\d\d, b 1\.00; control fixed at 20\.0%\)$/,
    );
    const active = await readActive(rules);
    const period = active?.phases[ID]?.period;
    expect(period?.id).toBe(2);
    expect(period?.weights.control).toBe(0.2);
    expect(period?.weights.b).toBeGreaterThan(0.7);
    expect(period?.weights.a).toBeGreaterThanOrEqual(0.01);
    expect(period?.past).toEqual([{ id: 1, weights: { control: 1 / 3, a: 1 / 3, b: 1 / 3 } }]);
    // The phase is unchanged: reports keep counting the same phase, now in two periods.
    expect(active?.phases[ID]?.phase).toBe(1);
    expect(active?.experiments).toEqual([BANDIT]);
  });

  it("is reproducible: the same counts give the same weights in another store", async () => {
    const first = await autopilotTick({ rules: await pushed(), sink: sinkOf(BURNT_IN), now: hours(7) });
    const second = await autopilotTick({ rules: await pushed(), sink: sinkOf(BURNT_IN), now: hours(7) });
    expect(second.reweights[0]?.period.weights).toEqual(first.reweights[0]?.period.weights);
  });

  it("waits for `every` since the period began and for every arm's burn-in", async () => {
    const rules = await pushed();
    expect((await autopilotTick({ rules, sink: sinkOf(BURNT_IN), now: hours(5) })).reweights).toEqual([]);
    const short = BURNT_IN.map((row) => (row.arm === "a" ? { ...row, visitors: 150, converted: 5 } : row));
    expect((await autopilotTick({ rules, sink: sinkOf(short), now: hours(7) })).reweights).toEqual([]);
    await autopilotTick({ rules, sink: sinkOf(BURNT_IN), now: hours(7) });
    expect((await autopilotTick({ rules, sink: sinkOf(BURNT_IN), now: hours(8) })).reweights).toEqual([]);
    expect((await history(rules)).map((entry) => entry.author)).toEqual([AUTOPILOT_AUTHOR, "ana"]);
  });

  it("never reuses a period id after a rollback", async () => {
    const rules = await pushed();
    await autopilotTick({ rules, sink: sinkOf(BURNT_IN), now: hours(7) });
    await rollback(rules, 1);
    const again = await autopilotTick({ rules, sink: sinkOf(BURNT_IN), now: hours(14) });
    expect(again.reweights[0]?.period.id).toBe(3);
  });

  it("keeps the period through a person's push that leaves the allocation alone", async () => {
    const rules = await pushed();
    await autopilotTick({ rules, sink: sinkOf(BURNT_IN), now: hours(7) });
    await pushRules(
      rules,
      { experiments: [{ ...BANDIT, name: "renamed" }] },
      { author: "ana", message: "name" },
    );
    expect((await readActive(rules))?.phases[ID]?.period?.id).toBe(2);
  });
});

describe("the autopilot's SRM check on a bandit", () => {
  async function afterReweight() {
    const rules = await pushed();
    await autopilotTick({ rules, sink: sinkOf(BURNT_IN), now: hours(7) });
    const snapshot = await readActive(rules);
    if (!snapshot) throw new Error("no snapshot");
    return snapshot;
  }
  const period2 = (weights: Record<string, number>, n: number, skew = 0): PeriodArm[] =>
    Object.entries(weights).map(([arm, share], i) => ({
      period: 2,
      arm,
      visitors: Math.round(share * n) + (i === 0 ? skew : i === 1 ? -skew : 0),
      converted: 0,
    }));

  it("expects each period's own shares: a healthy reweighted split is not a mismatch (pooled shares would pause it)", async () => {
    const snapshot = await afterReweight();
    const weights = snapshot.phases[ID]?.period?.weights ?? {};
    const stats = {
      phase: 1,
      arms: {},
      window: { exposures: 0, misses: 0 },
      periods: [...BURNT_IN, ...period2(weights, 3000)],
    };
    const pooled = new Map([[ID, { ...stats, arms: pooledArms(stats.periods) }]]);
    expect(decideAutopilot(snapshot, pooled)).toEqual([]);
  });

  it("pauses a period whose split is off, naming the period", async () => {
    const snapshot = await afterReweight();
    const weights = snapshot.phases[ID]?.period?.weights ?? {};
    const periods = [...BURNT_IN, ...period2(weights, 3000, 120)];
    const findings = decideAutopilot(
      snapshot,
      new Map([[ID, { phase: 1, arms: pooledArms(periods), window: { exposures: 0, misses: 0 }, periods }]]),
    );
    expect(findings.map((f) => [f.rule, f.action])).toEqual([["srm", "pause"]]);
    expect(findings[0]?.reason).toMatch(
      /against each period's shares, period 1: control 300 \(expected 300\).*period 2: control \d+ \(expected \d+\)/,
    );
  });
});

function pooledArms(periods: readonly PeriodArm[]) {
  const arms: Record<string, { visitors: number; converted: Record<string, number> }> = {};
  for (const row of periods) {
    const arm = arms[row.arm] ?? { visitors: 0, converted: {} };
    arm.visitors += row.visitors;
    arms[row.arm] = arm;
  }
  return arms;
}
