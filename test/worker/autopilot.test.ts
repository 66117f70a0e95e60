import { createScheduledController, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AUTOPILOT_AUTHOR } from "../../src/autopilot/run.ts";
import { history, readActive, setKilled } from "../../src/rules/versions.ts";
import worker from "../../src/worker/index.ts";
import { heroExperiment } from "../fixtures/experiments.ts";
import { publish, rulesStore } from "./helpers.ts";

// Storage lasts for the whole file and kills carry over pushes: each test gets its own experiment.
let ID = "autopilot-hero";
let run = 0;
const HOOK = "https://hooks.example/autopilot";
// The tick runs "now": a phase starts when its rules are pushed, and the drift window lies within the phase.
const NOW = Date.now() + 3_600_000;

/** Planted rows straight into the sink: `visitors` first exposures per arm, and `misses` sampled misses. */
async function plant(arms: Record<string, number>, misses = 0, phase = 1) {
  const insert = env.DB.prepare(
    "INSERT INTO events (id, type, ts, visitor, experiment, variant, phase, rules_version, path, device) VALUES (?, ?, ?, ?, ?, ?, ?, 1, '/', 'desktop')",
  );
  const rows: D1PreparedStatement[] = [];
  for (const [variant, count] of Object.entries(arms)) {
    for (let i = 0; i < count; i++) {
      rows.push(
        insert.bind(
          `${ID}-${variant}-${i}`,
          "exposure",
          NOW - 60_000 * 5,
          `${variant}-v${i}`,
          ID,
          variant,
          phase,
        ),
      );
    }
  }
  for (let i = 0; i < misses; i++)
    rows.push(insert.bind(`${ID}-miss-${i}`, "miss", NOW - 60_000 * 5, `m${i}`, ID, "control", phase));
  for (let at = 0; at < rows.length; at += 500) await env.DB.batch(rows.slice(at, at + 500));
}

async function tick(webhook: string | null = HOOK) {
  const controller = createScheduledController({ scheduledTime: NOW, cron: "*/15 * * * *" });
  await worker.scheduled(controller, { ...env, ...(webhook ? { AUTOPILOT_WEBHOOK_URL: webhook } : {}) });
}

let sent: { url: string; body: unknown }[];

beforeEach(async () => {
  ID = `autopilot-hero-${++run}`;
  await env.DB.prepare("DELETE FROM events WHERE experiment = ?").bind(ID).run();
  sent = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    sent.push({
      url: String(input instanceof Request ? input.url : input),
      body: JSON.parse(String(init?.body)),
    });
    return new Response("ok");
  });
});
afterEach(() => vi.restoreAllMocks());

describe("the scheduled autopilot", () => {
  it("pauses a planted broken split in one tick: a rules version by autopilot saying why, and a webhook alert", async () => {
    const pushed = (await publish([heroExperiment({ id: ID })])).snapshot;
    await plant({ control: 2120, promise: 1880 });
    await tick();

    const [latest] = await history(rulesStore());
    expect(latest).toMatchObject({ version: pushed.version + 1, author: AUTOPILOT_AUTHOR, active: true });
    expect(latest?.message).toMatch(
      new RegExp(`autopilot paused ${ID}: ${ID} srm: phase 1: sample-ratio mismatch`),
    );
    const active = await readActive(rulesStore());
    expect(active?.killed).toContain(ID);
    expect(active?.experiments).toEqual(pushed.experiments);

    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(HOOK);
    expect(sent[0]?.body).toEqual({
      text: expect.stringContaining(`${ID} — srm: paused (rules version ${pushed.version + 1})`),
    });
  });

  it("acts once per finding: the next tick repeats nothing, and a person's revive is not overruled in the same phase", async () => {
    const pushed = (await publish([heroExperiment({ id: ID })])).snapshot;
    await plant({ control: 2120, promise: 1880 });
    await tick();
    await tick();
    expect((await history(rulesStore()))[0]?.version).toBe(pushed.version + 1);
    expect(sent).toHaveLength(1);

    await setKilled(rulesStore(), [ID], true, { author: "ops", message: "checked the split by hand" });
    await tick();
    const [latest] = await history(rulesStore());
    expect(latest).toMatchObject({ author: "ops", version: pushed.version + 2 });
    expect((await readActive(rulesStore()))?.killed).not.toContain(ID);
    expect(sent).toHaveLength(1);
  });

  it("alerts on selector drift without writing a version, as its default asks", async () => {
    const pushed = (await publish([heroExperiment({ id: ID })])).snapshot;
    await plant({ control: 100, promise: 100 }, 40);
    await tick();
    expect((await history(rulesStore()))[0]?.version).toBe(pushed.version);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toEqual({
      text: expect.stringMatching(/drift: alert only\. phase 1: targets missing from ~80%/),
    });
  });

  it("still pauses with no webhook configured, and sends nothing", async () => {
    const pushed = (await publish([heroExperiment({ id: ID })])).snapshot;
    await plant({ control: 2120, promise: 1880 });
    await tick(null);
    expect((await history(rulesStore()))[0]).toMatchObject({
      version: pushed.version + 1,
      author: AUTOPILOT_AUTHOR,
    });
    expect(sent).toHaveLength(0);
  });

  it("finds nothing in a healthy split", async () => {
    const pushed = (await publish([heroExperiment({ id: ID })])).snapshot;
    await plant({ control: 2010, promise: 1990 });
    await tick();
    expect((await history(rulesStore()))[0]?.version).toBe(pushed.version);
    expect(sent).toHaveLength(0);
  });
});
