import { beforeEach, describe, expect, it, vi } from "vitest";
import { ExperimentSchema } from "../../../src/core/schema/experiment.ts";
import { KV_KEYS } from "../../../src/core/schema/snapshot.ts";
import { kvRuleStore } from "../../../src/rules/store.ts";
import { pushRules } from "../../../src/rules/versions.ts";
import { createRulesCache } from "../../../src/worker/rules-cache.ts";
import { VALID_RULE_FILE } from "../../fixtures/rule-sources.ts";
import { memoryKv } from "../../support/memory-kv.ts";

const experiment = ExperimentSchema.parse(VALID_RULE_FILE.experiments[0]);
const source = (kv: ReturnType<typeof memoryKv>["kv"]) => ({ get: (key: string) => kv.get(key, "text") });

describe("the isolate's rules cache", () => {
  beforeEach(() => {
    vi.spyOn(console, "error").mockImplementation(() => {});
  });

  it("reads KV once per refresh interval and once per version", async () => {
    const memory = memoryKv();
    await pushRules(kvRuleStore(memory.kv), { experiments: [experiment] }, { author: "t", message: "m" });
    const cache = createRulesCache();
    const before = memory.reads();
    const rules = await cache.get(source(memory.kv), 1_000, 15_000);
    expect(rules.version).toBe(1);
    expect(memory.reads() - before).toBe(2);
    for (let t = 1_001; t < 16_000; t += 1_000) await cache.get(source(memory.kv), t, 15_000);
    expect(memory.reads() - before).toBe(2);
    await cache.get(source(memory.kv), 16_000, 15_000);
    expect(memory.reads() - before).toBe(3);
  });

  it("serves cached rules at once while refreshing in the background, within one more interval", async () => {
    const memory = memoryKv();
    const store = kvRuleStore(memory.kv);
    await pushRules(store, { experiments: [experiment] }, { author: "t", message: "m" });
    const cache = createRulesCache();
    await cache.get(source(memory.kv), 0, 15_000);
    await pushRules(store, { experiments: [experiment] }, { author: "t", message: "newer" });
    const pending: Promise<unknown>[] = [];
    const background = { waitUntil: (promise: Promise<unknown>) => pending.push(promise) };
    expect((await cache.get(source(memory.kv), 20_000, 15_000, background)).version).toBe(1);
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    expect((await cache.get(source(memory.kv), 21_000, 15_000, background)).version).toBe(2);
    // An idle isolate (older than two intervals) waits for fresh rules instead.
    await pushRules(store, { experiments: [experiment] }, { author: "t", message: "newest" });
    expect((await cache.get(source(memory.kv), 60_000, 15_000, background)).version).toBe(3);
  });

  it("keeps the last good rules through a short KV outage, then serves none", async () => {
    const memory = memoryKv();
    await pushRules(kvRuleStore(memory.kv), { experiments: [experiment] }, { author: "t", message: "m" });
    const cache = createRulesCache();
    await cache.get(source(memory.kv), 0, 0);
    const failing = { get: () => Promise.reject(new Error("KV down")) };
    expect((await cache.get(failing, 60_000, 0)).live).toHaveLength(1);
    expect((await cache.get(failing, 6 * 60_000, 0)).live).toHaveLength(0);
  });

  it("serves no personalisation when the active snapshot is corrupt, and recovers on a good push", async () => {
    const memory = memoryKv();
    const store = kvRuleStore(memory.kv);
    await pushRules(store, { experiments: [experiment] }, { author: "t", message: "m" });
    const cache = createRulesCache();
    await memory.kv.put(KV_KEYS.snapshot(2), '{"format":1}');
    await memory.kv.put(KV_KEYS.active, '{"version":2}');
    expect((await cache.get(source(memory.kv), 0, 0)).live).toHaveLength(0);
    await pushRules(store, { experiments: [experiment] }, { author: "t", message: "fix" });
    expect((await cache.get(source(memory.kv), 1, 0)).version).toBe(3);
  });
});
