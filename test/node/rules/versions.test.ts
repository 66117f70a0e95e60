import { describe, expect, it } from "vitest";
import { ExperimentSchema } from "../../../src/core/schema/experiment.ts";
import { KV_KEYS } from "../../../src/core/schema/snapshot.ts";
import { kvRuleStore } from "../../../src/rules/store.ts";
import {
  history,
  pushRules,
  RulesError,
  readActive,
  rollback,
  setKilled,
} from "../../../src/rules/versions.ts";
import { VALID_RULE_FILE } from "../../fixtures/rule-sources.ts";
import { memoryKv } from "../../support/memory-kv.ts";

const experiment = (id: string) => ExperimentSchema.parse({ ...VALID_RULE_FILE.experiments[0], id });
const by = (message: string) => ({ author: "ana", message, now: new Date("2026-11-30T12:00:00Z") });

describe("versioned rules in KV", () => {
  it("stores each push as an immutable version and points at the newest", async () => {
    const { kv, values } = memoryKv();
    const store = kvRuleStore(kv);
    const first = await pushRules(store, { experiments: [experiment("a")] }, by("first"));
    const second = await pushRules(store, { experiments: [experiment("a"), experiment("b")] }, by("second"));
    expect([first.snapshot.version, second.snapshot.version]).toEqual([1, 2]);
    expect(JSON.parse(values.get(KV_KEYS.active)?.value ?? "")).toEqual({ version: 2 });
    expect(JSON.parse(values.get(KV_KEYS.snapshot(1))?.value ?? "").experiments).toHaveLength(1);
    expect((await readActive(store))?.experiments.map((e) => e.id)).toEqual(["a", "b"]);
  });

  it("lists history newest first from key metadata, across list pages", async () => {
    const store = kvRuleStore(memoryKv(1).kv);
    for (const message of ["one", "two", "three"])
      await pushRules(store, { experiments: [experiment("a")] }, by(message));
    const entries = await history(store);
    expect(entries.map((entry) => [entry.version, entry.message, entry.active])).toEqual([
      [3, "three", true],
      [2, "two", false],
      [1, "one", false],
    ]);
    expect(entries[0]).toMatchObject({
      author: "ana",
      createdAt: "2026-11-30T12:00:00.000Z",
      experiments: 1,
    });
  });

  it("rolls back to the previous version by default, or to a named one, with one pointer write", async () => {
    const { kv } = memoryKv();
    const store = kvRuleStore(kv);
    for (const message of ["one", "two", "three"])
      await pushRules(store, { experiments: [experiment(message)] }, by(message));
    expect(await rollback(store)).toEqual({ from: 3, to: 2 });
    expect((await readActive(store))?.experiments[0]?.id).toBe("two");
    expect(await rollback(store, 1)).toEqual({ from: 2, to: 1 });
    expect(await rollback(store, 3)).toEqual({ from: 1, to: 3 });
  });

  it("refuses to roll back to a version that does not exist, or past the oldest", async () => {
    const store = kvRuleStore(memoryKv().kv);
    await expect(rollback(store)).rejects.toThrow(/nothing has been pushed yet/);
    await pushRules(store, { experiments: [experiment("a")] }, by("one"));
    await expect(rollback(store)).rejects.toThrow(/version 1 is the oldest/);
    await expect(rollback(store, 7)).rejects.toThrow(/version 7 does not exist/);
  });

  it("kills and revives experiments in new versions, and carries kills across pushes", async () => {
    const store = kvRuleStore(memoryKv().kv);
    await pushRules(store, { experiments: [experiment("a"), experiment("b")] }, by("one"));
    expect((await setKilled(store, ["a"], false, by("kill a"))).killed).toEqual(["a"]);
    const pushed = await pushRules(store, { experiments: [experiment("a"), experiment("b")] }, by("edit"));
    expect(pushed.snapshot.killed).toEqual(["a"]);
    expect((await setKilled(store, ["a"], true, by("revive a"))).killed).toEqual([]);
    expect((await setKilled(store, "all", false, by("kill all"))).killed).toEqual(["a", "b"]);
    await expect(setKilled(store, ["zzz"], false, by("typo"))).rejects.toThrow(RulesError);
  });

  it("repairs a corrupt active pointer on push and says so", async () => {
    const { kv } = memoryKv();
    const store = kvRuleStore(kv);
    await pushRules(store, { experiments: [experiment("a")] }, by("one"));
    await kv.put(KV_KEYS.active, "{broken");
    await expect(readActive(store)).rejects.toThrow(/not a pointer/);
    const result = await pushRules(store, { experiments: [experiment("a")] }, by("repair"));
    expect(result.repaired).toMatch(/not a pointer/);
    expect((await readActive(store))?.version).toBe(2);
  });
});
