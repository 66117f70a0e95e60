import { describe, expect, it } from "vitest";
import { AUTOPILOT_AUTHOR, autopilotTick } from "../../../src/autopilot/run.ts";
import { kvRuleStore } from "../../../src/rules/store.ts";
import { history, pushRules } from "../../../src/rules/versions.ts";
import { heroExperiment } from "../../fixtures/experiments.ts";
import { memoryKv } from "../../support/memory-kv.ts";

/** A sink answering the tick's three queries: a broken 53/47 split, no conversions, no misses. */
const brokenSplit = {
  async query<Row>(sql: string): Promise<Row[]> {
    if (sql.includes("COUNT(*) AS visitors"))
      return [
        { variant: "control", visitors: 2120 },
        { variant: "promise", visitors: 1880 },
      ] as Row[];
    return [];
  },
};

describe("an autopilot tick", () => {
  it("retries a failed alert next tick without pausing twice", async () => {
    const rules = kvRuleStore(memoryKv().kv);
    const now = new Date(Date.now() + 60_000);
    await pushRules(rules, { experiments: [heroExperiment()] }, { author: "test", message: "push" });
    const sent: string[] = [];
    const failing = async () => {
      throw new Error("webhook down");
    };
    const first = await autopilotTick({ rules, sink: brokenSplit, now, alert: failing });
    expect(first.alertError).toBe("webhook down");
    expect(first.paused?.author).toBe(AUTOPILOT_AUTHOR);

    const second = await autopilotTick({
      rules,
      sink: brokenSplit,
      now,
      alert: async (text) => void sent.push(text),
    });
    // The experiment is paused now, so nothing is watched: the remembered pause is not repeated.
    expect(second.acted).toEqual([]);
    expect((await history(rules)).map((entry) => entry.author)).toEqual([AUTOPILOT_AUTHOR, "test"]);
    expect(sent).toEqual([]);
  });

  it("sends an alert-only finding again after a failed send, and then not again", async () => {
    const rules = kvRuleStore(memoryKv().kv);
    const now = new Date(Date.now() + 60_000);
    await pushRules(
      rules,
      { experiments: [heroExperiment({ autopilot: { srm: "alert" } })] },
      { author: "test", message: "push" },
    );
    const sent: string[] = [];
    await autopilotTick({
      rules,
      sink: brokenSplit,
      now,
      alert: async () => Promise.reject(new Error("down")),
    });
    await autopilotTick({ rules, sink: brokenSplit, now, alert: async (text) => void sent.push(text) });
    await autopilotTick({ rules, sink: brokenSplit, now, alert: async (text) => void sent.push(text) });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/hero-headline — srm: alert only\. phase 1: sample-ratio mismatch/);
    expect((await history(rules)).map((entry) => entry.author)).toEqual(["test"]);
  });
});
