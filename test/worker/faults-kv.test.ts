import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { KV_KEYS } from "../../src/core/schema/snapshot.ts";
import type { Env } from "../../src/worker/env.ts";
import worker from "../../src/worker/index.ts";
import { clearRulesCache } from "../../src/worker/rules.ts";
import { alwaysVariant } from "../fixtures/experiments.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { faultCodes, publish } from "./helpers.ts";

/**
 * A slow, hanging, failing or flooding KV behind the rules cache. A page never waits more than the 250 ms budget
 * for it, a fault is logged once per request, and the worker recovers on its own when KV does.
 */
const ALWAYS_VARIANT = alwaysVariant();
const PERSONALISED = HOME_HTML.replace("Gear for every fell", "Tested on the fells");

const faults = faultCodes;

/** KV that answers like the real one, `delayMs` late (per key, when given a function). */
function slowKv(delayMs: number | ((key: string) => number)): KVNamespace {
  return {
    get: (key: string, type: "text") =>
      new Promise((resolve) =>
        setTimeout(
          () => resolve(env.RULES.get(key, type)),
          typeof delayMs === "number" ? delayMs : delayMs(key),
        ),
      ),
  } as unknown as KVNamespace;
}

async function page(overrides: Partial<Env> = {}) {
  const ctx = createExecutionContext();
  const started = Date.now();
  const response = await worker.fetch(new Request("https://shop.example/"), { ...env, ...overrides }, ctx);
  const body = await response.text();
  const elapsed = Date.now() - started;
  await waitOnExecutionContext(ctx);
  return { response, body, elapsed };
}

let errors: MockInstance<typeof console.error>;
beforeEach(async () => {
  clearRulesCache();
  await publish([ALWAYS_VARIANT]);
  errors = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => errors.mockRestore());

describe("a slow KV", () => {
  it("personalises as usual when KV answers within the budget", async () => {
    const { body } = await page({ RULES: slowKv(60) });
    expect(body).toBe(PERSONALISED);
    expect(faults(errors)).toEqual([]);
  });

  it("serves the origin page after the budget, logs prepare_timeout once, and personalises once KV is fast again", async () => {
    const slow = await page({ RULES: slowKv(700) });
    expect(slow.body).toBe(HOME_HTML);
    expect(slow.elapsed).toBeLessThan(650);
    expect(faults(errors)).toEqual(["prepare_timeout"]);
    expect((await page()).body).toBe(PERSONALISED);
    expect(faults(errors)).toEqual(["prepare_timeout"]);
  });

  it("holds the page no longer than the budget when only the snapshot read is slow", async () => {
    const { body, elapsed } = await page({
      RULES: slowKv((key) => (key === KV_KEYS.active ? 0 : 700)),
    });
    expect(body).toBe(HOME_HTML);
    expect(elapsed).toBeLessThan(650);
  });

  it("serves the page within the budget when KV never answers", async () => {
    let release: (value: null) => void = () => {};
    const never = new Promise<null>((resolve) => {
      release = resolve;
    });
    const ctx = createExecutionContext();
    const started = Date.now();
    const response = await worker.fetch(
      new Request("https://shop.example/"),
      { ...env, RULES: { get: () => never } as unknown as KVNamespace },
      ctx,
    );
    expect(await response.text()).toBe(HOME_HTML);
    expect(Date.now() - started).toBeLessThan(650);
    release(null);
    await waitOnExecutionContext(ctx);
  });
});

describe("a failing KV", () => {
  it("keeps personalising with the last good rules when KV starts throwing, logging each failed read once", async () => {
    expect((await page()).body).toBe(PERSONALISED);
    const broken = { get: () => Promise.reject(new Error("KV unavailable")) } as unknown as KVNamespace;
    expect((await page({ RULES: broken })).body).toBe(PERSONALISED);
    expect((await page({ RULES: broken })).body).toBe(PERSONALISED);
    expect(faults(errors)).toEqual(["rules_load_failed", "rules_load_failed"]);
  });

  it("serves the origin page when KV returns a megabyte of garbage as the active pointer", async () => {
    await env.RULES.put(KV_KEYS.active, `{"version": ${"9".repeat(1_000_000)}}`);
    const { response, body } = await page();
    expect(response.status).toBe(200);
    expect(body).toBe(HOME_HTML);
    expect(faults(errors)).toEqual(["rules_invalid"]);
  });
});
