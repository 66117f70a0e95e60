import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCatalogue } from "../../demo/catalogue.ts";
import { ensureDemoRecommendations } from "../../demo/recommendations.ts";
import { runWrangler } from "../../demo/wrangler-process.ts";
import { openLocalBackend } from "../../src/cli/stores/local.ts";
import { CATALOGUE_KEY } from "../../src/core/schema/catalogue.ts";
import { ROOT, runCli } from "../support/run-cli.ts";

// The local state `wrangler dev` and every CLI command use, in a directory of its own: the demo's seeding and the
// real `stylist recommend` commands, end to end through local D1 and KV.
const state = mkdtempSync(join(tmpdir(), "stylist-recommend-"));
const local = ["--persist-to", state, "--sink", "d1"];

beforeAll(async () => {
  await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  const backend = await openLocalBackend(join(ROOT, "wrangler.toml"), state);
  try {
    const catalogue = demoCatalogue();
    await backend.rules.put(CATALOGUE_KEY, JSON.stringify(catalogue));
    const seeded = await ensureDemoRecommendations(backend, catalogue);
    expect(seeded.version).toBe(1);
    // A second start keeps the table it has.
    expect((await ensureDemoRecommendations(backend, catalogue)).version).toBeUndefined();
  } finally {
    await backend.close();
  }
}, 300_000);

afterAll(() => rmSync(state, { recursive: true, force: true }));

describe("stylist recommend against local state", () => {
  it("builds from D1, prints every gate and the held-out evaluation, and publishes the next version", async () => {
    const result = await runCli(["recommend", "build", ...local]);
    expect(result.stderr).not.toMatch(/stylist:/);
    expect(result.code).toBe(0);
    for (const gate of [
      "sessions in the window",
      "orders in the window",
      "newest event age",
      "bot share",
      "catalogue coverage",
      "concentration",
    ])
      expect(result.stdout).toMatch(new RegExp(`${gate}.*pass`));
    expect(result.stdout).toMatch(/bestsellers: hit rate/);
    expect(result.stdout).toMatch(/published table v2 \(local\)/);
  }, 300_000);

  it("refuses to publish when a gate fails, exits 1 and leaves the active table alone", async () => {
    const result = await runCli(["recommend", "build", ...local, "--min-orders", "1000000"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/orders in the window.*FAIL/);
    expect(result.stdout).toMatch(/not published/);
    const simulated = await runCli([
      "simulate",
      "--url",
      "http://127.0.0.1:8787/products/skarn-fellrunner-6",
      "--visitor",
      "00000000000000000000000000000009",
      "--decisions-only",
      "--persist-to",
      state,
    ]);
    expect(simulated.stdout).toMatch(/pdp-related-products\s+\S+\s+bought-together/);
    expect(simulated.stdout).toMatch(/recommendation table v2/);
    expect(simulated.stdout).toMatch(/related\s+score\s+source\s+because of/);
  }, 300_000);

  it("rolls back to the version before with one write, and refuses a version that does not exist", async () => {
    const back = await runCli(["recommend", "rollback", "--persist-to", state]);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/v2 → v1 active/);
    const missing = await runCli(["recommend", "rollback", "9", "--persist-to", state]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no recommendation table version 9/);
  }, 300_000);
});
