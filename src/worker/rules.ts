import type { CompiledRules } from "../core/decide/compile.ts";
import { configOf } from "./config.ts";
import type { Env } from "./env.ts";
import { createRulesCache } from "./rules-cache.ts";

/** The isolate's one rules cache, shared by page views and the event endpoints. */
const rulesCache = createRulesCache();

/** With `ctx`, a page view never waits on a routine refresh (see createRulesCache); without, it always may. */
export function loadRules(
  env: Env,
  now: number,
  ctx?: Pick<ExecutionContext, "waitUntil">,
): Promise<CompiledRules> {
  return rulesCache.get(env.RULES, now, configOf(env).refreshMs, ctx);
}

/** Tests reset the isolate's rule cache between cases. */
export function clearRulesCache(): void {
  rulesCache.clear();
}
