import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { KV_KEYS } from "../../src/core/schema/snapshot.ts";
import type { Env } from "../../src/worker/env.ts";
import worker from "../../src/worker/index.ts";
import { clearRulesCache } from "../../src/worker/rules.ts";
import { alwaysVariant } from "../fixtures/experiments.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { publish } from "./helpers.ts";

const ALWAYS_VARIANT = alwaysVariant();

async function fetchWith(overrides: Partial<Env>, path = "/") {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://shop.example${path}`),
    { ...env, ...overrides },
    ctx,
  );
  const body = await response.text();
  await waitOnExecutionContext(ctx);
  return { response, body };
}

describe("faults fail open: the visitor gets the origin page", () => {
  beforeEach(async () => {
    clearRulesCache();
    await publish([ALWAYS_VARIANT]);
  });

  it("personalises normally when nothing is wrong (the baseline for the cases below)", async () => {
    expect((await fetchWith({})).body).toContain("Tested on the fells");
  });

  it("serves the origin page when KV throws", async () => {
    const broken = { get: () => Promise.reject(new Error("KV unavailable")) } as unknown as KVNamespace;
    expect((await fetchWith({ RULES: broken })).body).toBe(HOME_HTML);
  });

  it("serves the origin page when KV is slower than the page's budget", async () => {
    const slow = {
      get: (key: string, type: "text") =>
        new Promise((resolve) => setTimeout(() => resolve(env.RULES.get(key, type)), 800)),
    } as unknown as KVNamespace;
    expect((await fetchWith({ RULES: slow })).body).toBe(HOME_HTML);
  });

  it("serves the origin page when the active pointer is corrupt", async () => {
    await env.RULES.put(KV_KEYS.active, "{not json");
    expect((await fetchWith({})).body).toBe(HOME_HTML);
  });

  it("serves the origin page when the active snapshot fails the schema", async () => {
    await env.RULES.put(
      KV_KEYS.snapshot(999),
      JSON.stringify({ format: 1, version: 999, experiments: [{ id: 5 }] }),
    );
    await env.RULES.put(KV_KEYS.active, JSON.stringify({ version: 999 }));
    expect((await fetchWith({})).body).toBe(HOME_HTML);
  });

  it("serves the origin page when the pointer names a snapshot that does not exist", async () => {
    await env.RULES.put(KV_KEYS.active, JSON.stringify({ version: 123456 }));
    expect((await fetchWith({})).body).toBe(HOME_HTML);
  });

  it("keeps serving the page when the queue throws on send", async () => {
    const throwing = {
      sendBatch: () => Promise.reject(new Error("queue down")),
      send: () => Promise.reject(new Error("queue down")),
    };
    const { response, body } = await fetchWith({ EVENTS: throwing as unknown as Queue });
    expect(response.status).toBe(200);
    expect(body).toContain("Tested on the fells");
  });

  it("serves the origin page unchanged when the signing secret is missing", async () => {
    const { response, body } = await fetchWith({ VISITOR_SECRET: "" });
    expect(body).toBe(HOME_HTML);
    expect(response.headers.get("set-cookie")).toBeNull();
  });
});
