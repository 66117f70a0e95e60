/**
 * A bandit experiment through the worker: the first view assigns an arm in the current allocation period, the
 * exposure in D1 carries that period, and after the autopilot reweights the same visitor (with their cookies) keeps
 * the arm and period while a new visitor is logged in the new period.
 */
import { describe, expect, it } from "vitest";
import { setPeriods } from "../../src/rules/versions.ts";
import { clearRulesCache } from "../../src/worker/rules.ts";
import { heroExperiment } from "../fixtures/experiments.ts";
import { cookieJar, publish, rulesStore, storedEvents, visit, visitorCookie } from "./helpers.ts";

const op = (value: string) => [{ op: "setText" as const, selector: "#hero h1", value }];
const BANDIT = heroExperiment({
  id: "hero-bandit",
  variants: [
    { id: "control", weight: 1 },
    { id: "a", weight: 1, ops: op("Version A") },
    { id: "b", weight: 1, ops: op("Version B") },
  ],
  allocation: { mode: "bandit", metric: "purchase" },
});

const visitorOf = (cookie: string) => cookie.split("=")[1]?.split(".")[1] as string;

async function rowsOf(visitor: string, count: number) {
  const deadline = Date.now() + 8_000;
  for (;;) {
    const rows = (await storedEvents("hero-bandit")).filter((row) => row.visitor === visitor);
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a bandit experiment in the worker", () => {
  it("keeps a visitor's arm and period through a reweight, and logs newcomers in the new period", async () => {
    const pushed = await publish([BANDIT]);
    clearRulesCache();
    const first = await visit("/");
    await first.text();
    const jar = cookieJar(first);
    expect(jar).toContain("stylist_p=");
    const visitor = visitorOf(visitorCookie(first));
    const [row] = await rowsOf(visitor, 1);
    expect(row).toMatchObject({ type: "exposure", phase: 1, period: 1 });
    const arm = row?.variant as string;

    // The autopilot's reweight: every new visitor now goes to another arm than this visitor's.
    const other = arm === "a" ? "b" : "a";
    const weights = { control: 0, a: 0, b: 0, [other]: 1 };
    await setPeriods(
      rulesStore(),
      [
        {
          experiment: "hero-bandit",
          phase: pushed.snapshot.phases["hero-bandit"]?.phase ?? 1,
          period: { id: 2, since: new Date().toISOString(), weights, highest: 2, past: [] },
        },
      ],
      { author: "autopilot", message: "reweight" },
    );
    clearRulesCache();

    const again = await visit("/", { cookie: jar });
    const html = await again.text();
    if (arm === "control") expect(html).not.toMatch(/Version [AB]/);
    else expect(html).toContain(arm === "a" ? "Version A" : "Version B");
    const newcomer = await visit("/");
    expect(await newcomer.text()).toContain(other === "a" ? "Version A" : "Version B");
    const newcomerRows = await rowsOf(visitorOf(visitorCookie(newcomer)), 1);
    expect(newcomerRows[0]).toMatchObject({ variant: other, period: 2 });
    const rows = await rowsOf(visitor, 1);
    expect(rows.map((r) => [r.variant, r.period])).toEqual([[arm, 1]]);
  });
});
