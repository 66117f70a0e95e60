import { describe, expect, it } from "vitest";
import {
  RECS_ACTIVE_KEY,
  type RecItem,
  recsBestsellersKey,
  recsProductKey,
} from "../../../src/core/schema/recommendations.ts";
import { activeTableVersion, publishTable, rollbackTable } from "../../../src/recommend/publish.ts";
import { kvRuleStore } from "../../../src/rules/store.ts";
import { memoryKv } from "../../support/memory-kv.ts";

const item = (slug: string): RecItem => ({ slug, score: 0.5, source: "co-view" });
const manifest = {
  builtAt: "2026-12-06T00:00:00.000Z",
  products: 2,
  window: { since: "", until: "" },
  params: {},
  gates: [],
  evaluation: null,
};

function table(first: string) {
  return {
    lists: new Map([
      ["tent", [item(first)]],
      ["mat", [item("tent")]],
    ]),
    bestsellers: [item("tent")],
  };
}

describe("recommendation tables in KV", () => {
  it("writes every key of a version before the pointer, so a reader never sees a half-written table", async () => {
    const { kv, values } = memoryKv();
    const writes: string[] = [];
    const store = kvRuleStore({
      ...kv,
      put: async (key, value, options) => {
        writes.push(key);
        await kv.put(key, value, options);
      },
    });
    expect(await publishTable(store, table("mat"), manifest)).toBe(1);
    expect(writes.at(-1)).toBe(RECS_ACTIVE_KEY);
    expect(writes).toHaveLength(5);
    expect(JSON.parse(values.get(recsProductKey(1, "tent"))?.value ?? "")).toEqual({ items: [item("mat")] });
    expect(values.get(recsBestsellersKey(1))).toBeDefined();
  });

  it("numbers versions on, rolls back to the one before with one write, and forward again by number", async () => {
    const { kv } = memoryKv();
    const store = kvRuleStore(kv);
    await publishTable(store, table("mat"), manifest);
    await publishTable(store, table("stove"), manifest);
    expect(await activeTableVersion(store)).toBe(2);
    expect(await rollbackTable(store)).toEqual({ from: 2, to: 1 });
    expect(await activeTableVersion(store)).toBe(1);
    await expect(rollbackTable(store)).rejects.toThrow(/no earlier recommendation table/);
    expect(await rollbackTable(store, 2)).toEqual({ from: 1, to: 2 });
    await expect(rollbackTable(store, 7)).rejects.toThrow(/no recommendation table version 7/);
    // The next build never reuses a number, whichever version is active.
    await rollbackTable(store, 1);
    expect(await publishTable(store, table("lamp"), manifest)).toBe(3);
  });

  it("refuses to roll back to a version whose keys are missing", async () => {
    const { kv, values } = memoryKv();
    const store = kvRuleStore(kv);
    await publishTable(store, table("mat"), manifest);
    await publishTable(store, table("stove"), manifest);
    values.delete(recsBestsellersKey(1));
    await expect(rollbackTable(store)).rejects.toThrow(/incomplete or unreadable/);
    expect(await activeTableVersion(store)).toBe(2);
  });
});
