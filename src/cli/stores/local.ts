import { join, resolve } from "node:path";
import { getPlatformProxy } from "wrangler";
import { type KvLike, kvRuleStore } from "../../rules/store.ts";
import type { Backend } from "./types.ts";

/** The binding methods used here; wrangler's proxy returns the real KVNamespace and D1Database. */
interface LocalBindings {
  RULES: KvLike;
  DB: {
    prepare(sql: string): { bind(...values: unknown[]): { all<Row>(): Promise<{ results: Row[] }> } };
  };
}

/**
 * The same on-disk state `wrangler dev` uses (.wrangler/state/v3 by default), opened through wrangler's platform
 * proxy: a push here is what the locally running worker reads, and its exposures are what `events` shows.
 */
export async function openLocalBackend(configPath: string, persistTo: string | undefined): Promise<Backend> {
  const persist = persistTo ? { path: join(resolve(persistTo), "v3") } : true;
  // wrangler's own notices ("Using secrets defined in .dev.vars") would land in the middle of `--json` output.
  process.env.WRANGLER_LOG ??= "error";
  const proxy = await getPlatformProxy<LocalBindings>({ configPath, persist });
  const { RULES, DB } = proxy.env;
  return {
    mode: "local",
    rules: kvRuleStore(RULES),
    sink: {
      async query<Row>(sql: string, params: unknown[] = []) {
        const result = await DB.prepare(sql)
          .bind(...params)
          .all<Row>();
        return result.results;
      },
    },
    close: () => proxy.dispose(),
  };
}
