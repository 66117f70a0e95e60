import { describe, expect, it } from "vitest";
import { phaseRules } from "../../../src/report/rules-source.ts";
import { kvRuleStore } from "../../../src/rules/store.ts";
import { pushRules, readActive } from "../../../src/rules/versions.ts";
import { memoryKv } from "../../support/memory-kv.ts";
import { heroRules } from "../../support/report-events.ts";

const by = (message: string, day: number) => ({
  author: "ana",
  message,
  now: new Date(Date.UTC(2026, 0, day)),
});

describe("the rules of a reported phase", () => {
  it("checks an earlier phase against the split it ran with, found in the history", async () => {
    const store = kvRuleStore(memoryKv().kv);
    await pushRules(store, { experiments: [heroRules()] }, by("50/50", 1));
    const reweighted = heroRules({
      variants: [
        { id: "control", weight: 20 },
        { id: "promise", weight: 80, ops: [{ op: "setText", selector: "#hero h1", value: "Tomorrow" }] },
      ],
    });
    await pushRules(store, { experiments: [reweighted] }, by("20/80", 10));
    const active = await readActive(store);
    if (!active) throw new Error("nothing active");
    expect(active.phases.hero?.phase).toBe(2);

    const rules = await phaseRules(store, active, [
      ["hero", 1],
      ["hero", 2],
      ["gone", 1],
    ]);
    const shares = (phase: number) => rules.configFor("hero", phase)?.arms.map((arm) => [arm.id, arm.share]);
    expect(shares(1)).toEqual([
      ["control", 0.5],
      ["promise", 0.5],
    ]);
    expect(shares(2)).toEqual([
      ["control", 0.2],
      ["promise", 0.8],
    ]);
    expect(rules.configFor("hero", 1)?.since).toBe("2026-01-01T00:00:00.000Z");
    expect(rules.missing).toEqual([{ experiment: "gone", phase: 1 }]);
  });
});
