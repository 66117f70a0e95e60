import { join, resolve } from "node:path";
import { getPlatformProxy } from "wrangler";
import { type KvLike, kvRuleStore, type RuleStore } from "../../rules/store.ts";
import { type R2Like, r2Store } from "../archive/store.ts";
import type { Backend } from "./types.ts";

/** The binding methods used here; wrangler's proxy returns the real KVNamespace and D1Database. */
interface LocalBindings {
  RULES: KvLike;
  DB: {
    prepare(sql: string): { bind(...values: unknown[]): { all<Row>(): Promise<{ results: Row[] }> } };
  };
  ARCHIVE?: R2Like;
}

/**
 * The same on-disk state `wrangler dev` uses (.wrangler/state/v3 by default), opened through wrangler's platform
 * proxy: a push here is what the locally running worker reads, and its exposures are what `events` shows.
 */
export async function openLocalBackend(configPath: string, persistTo: string | undefined): Promise<Backend> {
  const persist = persistTo ? { path: join(resolve(persistTo), "v3") } : true;
  // wrangler's own notices ("Using secrets defined in .dev.vars") would land in the middle of `--json` output.
  process.env.WRANGLER_LOG ??= "error";
  const proxy = await withoutMissingClassWarning(() =>
    getPlatformProxy<LocalBindings>({ configPath, persist }),
  );
  const { RULES, DB, ARCHIVE } = proxy.env;
  return {
    mode: "local",
    rules: retryingWhileBusy(kvRuleStore(RULES)),
    sink: {
      query<Row>(sql: string, params: unknown[] = []) {
        return whileBusy(
          async () =>
            (
              await DB.prepare(sql)
                .bind(...params)
                .all<Row>()
            ).results,
        );
      },
    },
    ...(ARCHIVE ? { archive: r2Store(ARCHIVE) } : {}),
    close: () => proxy.dispose(),
  };
}

/**
 * The platform proxy runs a placeholder worker with the config's bindings, so workerd warns at start that the
 * ARCHIVE_BUFFER binding's class is not exported — true of the placeholder, harmless (the CLI never calls the buffer),
 * and otherwise printed on every local command. That one warning is dropped; everything else is printed as before.
 */
async function withoutMissingClassWarning<T>(start: () => Promise<T>): Promise<T> {
  const print = console.error;
  console.error = (...args: unknown[]) => {
    if (/no such Durable Object class is exported from the worker/.test(String(args[0]))) return;
    print(...args);
  };
  try {
    return await start();
  } finally {
    console.error = print;
  }
}

/** The same SQLite lock meets KV reads and writes (a push while the worker reads its rules). */
function retryingWhileBusy(store: RuleStore): RuleStore {
  return {
    get: (key) => whileBusy(() => store.get(key)),
    put: (key, value, metadata) => whileBusy(() => store.put(key, value, metadata)),
    list: (prefix) => whileBusy(() => store.list(prefix)),
  };
}

/**
 * `wrangler dev` writes events into the same local SQLite file while the CLI reads it; a read can meet the writer's
 * lock (SQLITE_BUSY). Locks are held for milliseconds, so a few short retries are enough.
 */
async function whileBusy<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 8 || !/SQLITE_BUSY|database is locked/i.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
