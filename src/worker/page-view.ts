import { EMPTY_CATALOGUE } from "../core/catalogue-index.ts";
import type { CompiledRules } from "../core/compile.ts";
import { readCustomer } from "../core/customer.ts";
import { decide, decideRolledOut } from "../core/decide.ts";
import { gateOf } from "../core/gate.ts";
import { assertUsableSecret, resolveIdentity } from "../core/identity.ts";
import { visitPage } from "../core/page-visit.ts";
import { previewTokenOf, previewVisitorId, readPreviewToken } from "../core/preview.ts";
import type { Profile } from "../core/profile.ts";
import { decodeProfile, readProfileCookie } from "../core/profile-cookie.ts";
import { buildVisitorContext, type GeoHints } from "../core/request-context.ts";
import { loadCatalogue } from "./catalogue.ts";
import type { Env } from "./env.ts";
import { loadRules } from "./rules.ts";

/** How stale the stored last-seen time may get before the profile cookie is re-sent just to refresh it. */
const TOUCH_AFTER_SECONDS = 5 * 60;

function needsCatalogue(rules: CompiledRules, path: string): boolean {
  return (
    rules.usesCatalogue ||
    rules.taxonomy.some((entry) => entry.type === "product" && entry.pattern.test(path))
  );
}

/** The profile cookie is re-sent only when it says something new, so most page views set no extra cookie. */
function profileChanged(
  previous: Profile | undefined,
  next: Profile,
  typed: boolean,
  newSession: boolean,
): boolean {
  return !previous || typed || newSession || next.lastSeen - previous.lastSeen > TOUCH_AFTER_SECONDS;
}

/**
 * Everything about one page view that comes before the origin's bytes: who the visitor is, what their profile and
 * the storefront say about them, the rules, and the arms they get. Pure data out; the caller does the I/O with it.
 */
export async function preparePageView(request: Request, env: Env, ctx: Pick<ExecutionContext, "waitUntil">) {
  const now = Date.now();
  assertUsableSecret(env.VISITOR_SECRET);
  const secret = env.VISITOR_SECRET;
  const cookies = request.headers.get("cookie");
  const previewToken = previewTokenOf(new URL(request.url), cookies);
  const [visitor, rules, preview] = await Promise.all([
    resolveIdentity(cookies, secret, now),
    loadRules(env, now, ctx),
    readPreviewToken(previewToken.token, secret, now),
  ]);
  // A previewer with no visitor cookie gets a stand-in id from the token, never a fresh random one per reload.
  const identity =
    preview && visitor.minted && previewToken.token
      ? { ...visitor, id: await previewVisitorId(previewToken.token, secret) }
      : visitor;
  const cf = (request as Request & { cf?: GeoHints & { botManagement?: { verifiedBot?: unknown } } }).cf;
  // A signed preview link is QA's sanctioned way in for headless browsers (which say HeadlessChrome and are served
  // as bots): its holder gets no visitor cookie, no profile and no log, so no gate has anything to protect.
  const gate = preview
    ? undefined
    : gateOf(request.headers, rules.consent, cf?.botManagement?.verifiedBot === true);
  if (gate) {
    const anonymous = buildVisitorContext(request, identity, cf, now);
    return { gate, context: anonymous, rules, decisions: decideRolledOut(anonymous, rules) } as const;
  }
  const previous = identity.minted
    ? undefined
    : await decodeProfile(readProfileCookie(cookies), identity.id, secret);
  const geo = cf;
  const base = buildVisitorContext(request, identity, geo, now);
  const catalogue = needsCatalogue(rules, base.path) ? await loadCatalogue(env, now) : EMPTY_CATALOGUE;
  const customer = await readCustomer(
    rules.customer,
    request.headers,
    env as unknown as Record<string, unknown>,
    {
      // A new id was never seen by the shop, so nothing it signed can be for this visitor.
      id: identity.minted ? undefined : identity.id,
      now,
    },
  );
  const { view, observed, context, render } = visitPage({ base, previous, rules, catalogue, customer, now });
  const decisions = decide(context, rules, preview ? { preview: preview.arms } : {});
  return {
    gate: undefined,
    now,
    identity,
    rules,
    preview,
    previewToken,
    context,
    decisions,
    render,
    /** The taxonomy types this page or a URL goal counts it: every view of it must reach the worker. */
    watched:
      view.type !== undefined ||
      rules.urlGoals.some((goal) => goal.pages.some((page) => page.test(context.path))),
    /** Ids of the named audiences the visitor is in, carried on exposure events for breakdowns. */
    segments: () => rules.audiences.filter((entry) => entry.test(context)).map((entry) => entry.audience.id),
    /** The updated profile to send back, or undefined when nothing new was learnt (and never for a preview). */
    profile:
      !preview && profileChanged(previous, observed.profile, view.type !== undefined, observed.newSession)
        ? observed.profile
        : undefined,
  };
}

export type PreparedPageView = Exclude<Awaited<ReturnType<typeof preparePageView>>, { gate: string }>;
