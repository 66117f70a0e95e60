import { type CompiledRules, compileRules, EMPTY_RULES } from "../core/decide/compile.ts";
import { KV_KEYS, PointerSchema, SnapshotSchema } from "../core/schema/snapshot.ts";
import { logFault } from "./log.ts";

/** The one KV operation the worker needs; a KVNamespace satisfies it. */
export interface RulesSource {
  get(key: string, type: "text"): Promise<string | null>;
}

interface CacheEntry {
  rules: CompiledRules;
  checkedAt: number;
  /** When KV last answered; rules older than MAX_STALE_MS without an answer are dropped. */
  confirmedAt: number;
}

const DEFAULT_REFRESH_MS = 15_000;
const MAX_STALE_MS = 5 * 60_000;

/**
 * Holds the compiled rules for this isolate. KV is read at most once per refresh interval (the small pointer) and
 * a snapshot once per version: a page view normally costs no KV read at all.
 * - KV unreachable: keep the last good rules for up to MAX_STALE_MS (a blip should not flip every visitor to the
 *   control), then serve none.
 * - The active snapshot is corrupt or missing: serve none. Rules that cannot be read are not the rules in force.
 */
export function createRulesCache() {
  let entry: CacheEntry | undefined;

  async function refresh(source: RulesSource, now: number): Promise<CompiledRules> {
    const previous = entry?.rules ?? EMPTY_RULES;
    try {
      const pointerText = await source.get(KV_KEYS.active, "text");
      if (pointerText === null) return remember(EMPTY_RULES, now);
      const pointer = PointerSchema.safeParse(parseJson(pointerText));
      if (!pointer.success) {
        logFault("rules_invalid", pointer.error, { key: KV_KEYS.active });
        return remember(EMPTY_RULES, now);
      }
      if (pointer.data.version === previous.version) return remember(previous, now);
      const key = KV_KEYS.snapshot(pointer.data.version);
      const snapshotText = await source.get(key, "text");
      if (snapshotText === null) {
        logFault("rules_invalid", new Error(`${KV_KEYS.active} names ${key}, which does not exist`));
        return remember(EMPTY_RULES, now);
      }
      const snapshot = SnapshotSchema.safeParse(parseJson(snapshotText));
      if (!snapshot.success) {
        logFault("rules_invalid", snapshot.error, { version: pointer.data.version });
        return remember(EMPTY_RULES, now);
      }
      return remember(compileRules(snapshot.data), now);
    } catch (error) {
      logFault("rules_load_failed", error);
      const fresh = entry && now - entry.confirmedAt < MAX_STALE_MS;
      const rules = fresh ? previous : EMPTY_RULES;
      entry = { rules, checkedAt: now, confirmedAt: entry?.confirmedAt ?? 0 };
      return rules;
    }
  }

  function remember(rules: CompiledRules, now: number): CompiledRules {
    entry = { rules, checkedAt: now, confirmedAt: now };
    return rules;
  }

  return {
    /**
     * Current rules; reads KV only when the refresh interval has passed. Within one more interval after that, the
     * cached rules are served at once and the refresh runs in the background (`background`), so a slow KV never
     * holds a page; older than that (an idle isolate) the request waits for fresh rules. Each request reads for
     * itself rather than awaiting another request's read: workerd ties a promise to the request that made it.
     */
    get(
      source: RulesSource,
      now: number,
      refreshMs = DEFAULT_REFRESH_MS,
      background?: { waitUntil(promise: Promise<unknown>): void },
    ): Promise<CompiledRules> {
      if (entry && now - entry.checkedAt < refreshMs) return Promise.resolve(entry.rules);
      if (entry && background && now - entry.checkedAt < 2 * refreshMs) {
        const stale = entry.rules;
        entry = { ...entry, checkedAt: now };
        background.waitUntil(refresh(source, now));
        return Promise.resolve(stale);
      }
      return refresh(source, now);
    },
    clear() {
      entry = undefined;
    },
  };
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function refreshIntervalMs(setting: string | undefined): number {
  if (setting === undefined || setting.trim() === "") return DEFAULT_REFRESH_MS;
  const seconds = Number(setting);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_REFRESH_MS;
}
