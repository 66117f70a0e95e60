/** A bandit's reweight as a rules version: `history` lists it by autopilot, `diff` between versions shows the weights. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPlatformProxy } from "wrangler";
import { kvRuleStore } from "../../src/rules/store.ts";
import { setKilled, setPeriods } from "../../src/rules/versions.ts";
import { writeHeroRules } from "../support/report-fixtures.ts";
import { ROOT, runCli } from "../support/run-cli.ts";

let dir: string;
let state: string;
const local = () => ["--persist-to", state];
const op = (value: string) => [{ op: "setText", selector: "#hero h1", value }];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "stylist-bandit-"));
  state = mkdtempSync(join(tmpdir(), "stylist-bandit-state-"));
  const rules = writeHeroRules(dir, {
    variants: [
      { id: "control", weight: 1 },
      { id: "a", weight: 1, ops: op("A") },
      { id: "b", weight: 1, ops: op("B") },
    ],
    metrics: { primary: "purchase" },
    plan: undefined,
    allocation: { mode: "bandit", metric: "purchase" },
  });
  const pushed = await runCli(["push", "--dir", rules, "-m", "bandit", ...local()]);
  expect(pushed.code, pushed.stderr).toBe(0);
  // The scheduled autopilot's write, made through the same local KV `wrangler dev` uses.
  const proxy = await getPlatformProxy<{ RULES: Parameters<typeof kvRuleStore>[0] }>({
    configPath: join(ROOT, "wrangler.toml"),
    persist: { path: join(state, "v3") },
  });
  try {
    await setPeriods(
      kvRuleStore(proxy.env.RULES),
      [
        {
          experiment: "hero",
          phase: 1,
          period: {
            id: 2,
            since: new Date().toISOString(),
            weights: { control: 0.2, a: 0.1, b: 0.7 },
            highest: 2,
            past: [{ id: 1, weights: { control: 1 / 3, a: 1 / 3, b: 1 / 3 } }],
          },
        },
      ],
      { author: "autopilot", message: "autopilot reweighted hero: phase 1 period 2" },
    );
    await setKilled(kvRuleStore(proxy.env.RULES), ["hero"], false, {
      author: "autopilot",
      message: "autopilot paused hero: hero srm: planted",
    });
  } finally {
    await proxy.dispose();
  }
}, 180_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
});

describe("a bandit reweight in the version history", { timeout: 180_000 }, () => {
  it("is listed by autopilot and diffed as the period's weights", async () => {
    const history = await runCli(["history", "--json", ...local()]);
    expect(history.code, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout)[1]).toMatchObject({ version: 2, author: "autopilot" });
    const diff = await runCli(["diff", "--from", "1", "--to", "2", "--json", ...local()]);
    expect(diff.code, diff.stderr).toBe(0);
    const parsed = JSON.parse(diff.stdout);
    expect(parsed.changed).toEqual([]);
    expect(parsed.settings).toContainEqual({
      path: "periods.hero",
      before: undefined,
      after: { id: 2, weights: { control: 0.2, a: 0.1, b: 0.7 } },
    });
  });

  it("diffs an autopilot pause as the experiment killed, not as no changes", async () => {
    const diff = await runCli(["diff", "--from", "2", "--to", "3", ...local()]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain("killed.hero: (none) → true");
    expect(diff.stdout).not.toContain("no changes");
  });
});
