import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPlatformProxy } from "wrangler";
import { writeHeroRules } from "../support/report-fixtures.ts";
import { ROOT, runCli } from "../support/run-cli.ts";

let dir: string;
let state: string;
const local = () => ["--persist-to", state];

interface Db {
  exec(sql: string): Promise<unknown>;
  prepare(sql: string): { bind(...values: unknown[]): { run(): Promise<unknown> } };
}

/** Local state as `wrangler dev` leaves it: the migrations applied and `visitors` planted first exposures per arm. */
async function plant(arms: Record<string, number>) {
  const proxy = await getPlatformProxy<{ DB: Db }>({
    configPath: join(ROOT, "wrangler.toml"),
    persist: { path: join(state, "v3") },
  });
  try {
    const { DB } = proxy.env;
    for (const file of readdirSync(join(ROOT, "migrations")).sort()) {
      const sql = readFileSync(join(ROOT, "migrations", file), "utf8").replace(/--[^\n]*\n/g, "\n");
      for (const statement of sql
        .split(";")
        .map((s) => s.trim())
        .filter(Boolean))
        await DB.exec(statement.replace(/\s+/g, " "));
    }
    // One statement per arm, rows generated in SQL: the platform proxy carries one call per statement.
    for (const [variant, count] of Object.entries(arms)) {
      await DB.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
         INSERT INTO events (id, type, ts, visitor, experiment, variant, phase, rules_version, path, device)
         SELECT ?2 || '-' || i, 'exposure', ?3, ?2 || '-v' || i, 'hero', ?2, 1, 1, '/', 'desktop' FROM n`,
      )
        .bind(count, variant, Date.now())
        .run();
    }
  } finally {
    await proxy.dispose();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "stylist-autopilot-"));
  state = mkdtempSync(join(tmpdir(), "stylist-autopilot-state-"));
  const pushed = await runCli(["push", "--dir", writeHeroRules(dir), "-m", "hero", ...local()]);
  expect(pushed.code, pushed.stderr).toBe(0);
  await plant({ control: 2120, promise: 1880 });
}, 120_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
});

describe("stylist autopilot --dry-run", { timeout: 180_000 }, () => {
  it("shows the pause a planted broken split would get, and writes no version", async () => {
    const result = await runCli(["autopilot", "--dry-run", "--json", ...local()]);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.version).toBe(1);
    expect(out.findings).toMatchObject([
      { experiment: "hero", phase: 1, rule: "srm", action: "pause", done: false },
    ]);
    expect(out.findings[0].reason).toMatch(/sample-ratio mismatch, control 2120 \(expected 2000\)/);

    const text = await runCli(["autopilot", "--dry-run", ...local()]);
    expect(text.stdout).toMatch(/hero\s+srm\s+pause\s+phase 1: sample-ratio mismatch/);

    const history = await runCli(["history", "--json", ...local()]);
    expect(JSON.parse(history.stdout)).toHaveLength(1);
  });

  it("refuses to run without --dry-run: acting is the worker's job", async () => {
    const result = await runCli(["autopilot", ...local()]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/pass --dry-run/);
  });

  it("is listed by `stylist review` once the autopilot has written a version", async () => {
    // The worker's tick writes through the same setKilled as `kill`; authored "autopilot" here to stand in for it.
    const killed = await runCli([
      "kill",
      "hero",
      "--author",
      "autopilot",
      "-m",
      "autopilot paused hero: srm",
      ...local(),
    ]);
    expect(killed.code, killed.stderr).toBe(0);
    const review = await runCli(["review", "--json", ...local()]);
    expect(review.code, review.stderr).toBe(0);
    expect(JSON.parse(review.stdout).autopilot).toMatchObject([
      { version: 2, author: "autopilot", message: "autopilot paused hero: srm" },
    ]);
    const dry = await runCli(["autopilot", "--dry-run", "--json", ...local()]);
    expect(JSON.parse(dry.stdout).findings).toEqual([]);
  });
});
