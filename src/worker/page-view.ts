import { preparePageView as prepare } from "../core/page-view/prepare-page-view.ts";
import type { GeoHints } from "../core/visitor/request-context.ts";
import { loadCatalogue } from "./catalogue.ts";
import { configOf, SecretMissing } from "./config.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";
import { loadRecommendations } from "./recommendations.ts";
import { loadRules } from "./rules.ts";

export type { GatedPageView, PreparedPageView } from "../core/page-view/prepare-page-view.ts";

/** The worker's I/O around the core's page view: the secret, `request.cf`, and rules and catalogue from KV. */
export async function preparePageView(request: Request, env: Env, ctx: Pick<ExecutionContext, "waitUntil">) {
  const now = Date.now();
  const config = configOf(env);
  if (!config.visitorSecret) throw new SecretMissing();
  const cf = (request as Request & { cf?: GeoHints & { botManagement?: { verifiedBot?: unknown } } }).cf;
  const prepared = await prepare({
    request,
    geo: cf,
    verifiedBot: cf?.botManagement?.verifiedBot === true,
    secret: config.visitorSecret,
    secrets: env as unknown as Record<string, unknown>,
    now,
    loadRules: () => loadRules(env, now, ctx),
    loadCatalogue: () => loadCatalogue(env, now),
    loadRecommendations: (products) => loadRecommendations(env, now, products),
  });
  // Not served in any arm, so not exposed: the miss is the operator's to see.
  if (!prepared.gate)
    for (const experiment of prepared.recommendationsUnavailable)
      logFault("op_failed", "no recommendation table in KV (stylist recommend build)", { experiment });
  return prepared;
}
