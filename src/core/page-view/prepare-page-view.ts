import type { CatalogueIndex } from "../catalogue/catalogue-index.ts";
import { EMPTY_CATALOGUE } from "../catalogue/catalogue-index.ts";
import {
  FOR_YOU_ANCHORS,
  forYou,
  forYouAnchors,
  type LoadRecommendations,
  type Recommended,
  relatedTo,
} from "../catalogue/recommendations.ts";
import type { CompiledRules } from "../decide/compile.ts";
import { decide, decideRolledOut } from "../decide/decide.ts";
import type { Decision } from "../decide/decision.ts";
import { templateValues } from "../html/template.ts";
import { previewTokenOf, previewVisitorId, readPreviewToken } from "../signing/preview.ts";
import { readCustomer } from "../visitor/customer.ts";
import { type Gate, gateOf } from "../visitor/gate.ts";
import { resolveIdentity } from "../visitor/identity.ts";
import { type Profile, rememberArms } from "../visitor/profile.ts";
import { decodeProfile, readProfileCookie } from "../visitor/profile-cookie.ts";
import { buildVisitorContext, type GeoHints } from "../visitor/request-context.ts";
import { visitPage } from "./page-visit.ts";
import { NO_RENDER_DATA, type RenderData } from "./render-data.ts";

/** How stale the stored last-seen time may get before the profile cookie is re-sent just to refresh it. */
const TOUCH_AFTER_SECONDS = 5 * 60;

/**
 * One page view's request and where its rules and catalogue come from. The worker reads them from KV, `stylist
 * simulate` from files or the store: everything else about the page view is decided here, the same for both.
 */
export interface PageViewInput {
  request: Request;
  /** Cloudflare's geo hints (`request.cf`); simulate's `--country`, `--region`, `--city`. */
  geo: GeoHints | undefined;
  /** Cloudflare's verified-bot signal, when the zone has it. */
  verifiedBot: boolean;
  /** VISITOR_SECRET, already checked usable. */
  secret: string;
  /** The other secrets by name, for `settings.customer.secretVar`. */
  secrets: Readonly<Record<string, unknown>>;
  now: number;
  loadRules: () => Promise<CompiledRules>;
  /** Asked only when the page needs it (a product page, or rules that render product lists). */
  loadCatalogue: () => Promise<CatalogueIndex>;
  /** Asked only when an experiment with `related` or `forYou` ops was decided; none: those are not served. */
  loadRecommendations?: LoadRecommendations;
}

/** Most items a product-list op shows (ops.ts): the lists are worked out once at this length and cut per op. */
const MAX_LIST = 12;

function once<T>(make: () => T): () => T {
  let value: { made: T } | undefined;
  return () => {
    value ??= { made: make() };
    return value.made;
  };
}

/**
 * Recommendations for this page view, from the table in KV. Without a usable table an experiment that renders them is
 * not served at all, in any arm, so its arms stay comparable (a variant that silently fell back to the origin's page
 * would be counted as if it had shown something); the caller logs it.
 */
async function recommend(
  decisions: Decision[],
  load: LoadRecommendations | undefined,
  catalogue: CatalogueIndex,
  product: string | undefined,
  profile: Profile,
) {
  const recent = profile.recent;
  const bought = profile.bought ?? [];
  // What is in the basket now is never recommended; what was bought guides `forYou` after what was viewed.
  const basket = new Set(profile.basket ?? []);
  if (!decisions.some((decision) => decision.compiled.usesRecommendations))
    return { decisions, unavailable: [] as string[], recommendations: undefined };
  const table = load
    ? await load([
        ...new Set([
          ...(product ? [product] : []),
          ...forYouAnchors(recent, bought).slice(0, FOR_YOU_ANCHORS),
        ]),
      ])
    : undefined;
  if (!table) {
    return {
      decisions: decisions.filter((decision) => !decision.compiled.usesRecommendations),
      unavailable: decisions
        .filter((decision) => decision.compiled.usesRecommendations)
        .map((decision) => decision.compiled.experiment.id),
      recommendations: undefined,
    };
  }
  return {
    decisions,
    unavailable: [] as string[],
    recommendations: {
      version: table.version,
      related: once((): Recommended[] => relatedTo(table, catalogue, product, basket, MAX_LIST)),
      forYou: once((): Recommended[] =>
        forYou(
          table,
          catalogue,
          forYouAnchors(recent, bought),
          new Set([...basket, ...recent, ...(product ? [product] : [])]),
          MAX_LIST,
        ),
      ),
    },
  };
}

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
 * Everything about one page view that comes before the origin's bytes: who the visitor is, the gate, what their
 * profile and the storefront say about them, the rules, and the arms they get. Pure data out; the caller does the
 * I/O with it. A gated view (bot, objection, no consent) stops before the profile: it gets only rolled-out winners.
 */
export async function preparePageView(input: PageViewInput) {
  const { request, secret, now } = input;
  const cookies = request.headers.get("cookie");
  const previewToken = previewTokenOf(new URL(request.url), cookies);
  const [visitor, rules, preview] = await Promise.all([
    resolveIdentity(cookies, secret, now),
    input.loadRules(),
    readPreviewToken(previewToken.token, secret, now),
  ]);
  // A previewer with no visitor cookie gets a stand-in id from the token, never a fresh random one per reload.
  const identity =
    preview && visitor.minted && previewToken.token
      ? { ...visitor, id: await previewVisitorId(previewToken.token, secret) }
      : visitor;
  // A signed preview link is QA's sanctioned way in for headless browsers (which say HeadlessChrome and are served
  // as bots): its holder gets no visitor cookie, no profile and no log, so no gate has anything to protect.
  const gate = preview ? undefined : gateOf(request.headers, rules.consent, input.verifiedBot);
  if (gate) {
    const anonymous = buildVisitorContext(request, identity, input.geo, now);
    // Rolled-out winners may still fill placeholders from the request, never from a profile or catalogue.
    const render: RenderData = { ...NO_RENDER_DATA, values: templateValues(anonymous) };
    return { gate, context: anonymous, rules, decisions: decideRolledOut(anonymous, rules), render } as const;
  }
  const previous = identity.minted
    ? undefined
    : await decodeProfile(readProfileCookie(cookies), identity.id, secret);
  const base = buildVisitorContext(request, identity, input.geo, now);
  const catalogue = needsCatalogue(rules, base.path) ? await input.loadCatalogue() : EMPTY_CATALOGUE;
  const customer = await readCustomer(rules.customer, request.headers, input.secrets, {
    // A new id was never seen by the shop, so nothing it signed can be for this visitor.
    id: identity.minted ? undefined : identity.id,
    now,
  });
  const visit = visitPage({ base, previous, rules, catalogue, customer, now });
  const { view, observed, context } = visit;
  const decided = decide(context, rules, preview ? { preview: preview.arms } : {});
  // New bandit arms go into the profile at once, so the next view keeps them whatever the weights are by then.
  const remembered = preview
    ? undefined
    : rememberArms(
        observed.profile,
        decided.flatMap((decision) =>
          decision.fresh && decision.period !== undefined
            ? [
                {
                  experiment: decision.compiled.experiment.id,
                  phase: decision.compiled.phase,
                  period: decision.period,
                  arm: decision.arm,
                },
              ]
            : [],
        ),
      );
  const { decisions, unavailable, recommendations } = await recommend(
    decided,
    input.loadRecommendations,
    catalogue,
    view.product,
    observed.profile,
  );
  const render: RenderData = recommendations
    ? {
        ...visit.render,
        related: (limit) =>
          recommendations
            .related()
            .slice(0, limit)
            .map((entry) => entry.product),
        forYou: (limit) =>
          recommendations
            .forYou()
            .slice(0, limit)
            .map((entry) => entry.product),
      }
    : visit.render;
  return {
    gate: undefined,
    now,
    identity,
    rules,
    preview,
    previewToken,
    view,
    context,
    decisions,
    render,
    /** The recommendation table's version and this page view's lists, when an experiment rendering them was decided. */
    recommendations,
    /** Experiments left out of this page view because no recommendation table could be read. */
    recommendationsUnavailable: unavailable,
    /** The taxonomy types this page or a URL goal counts it: every view of it must reach the worker. */
    watched:
      view.type !== undefined ||
      rules.urlGoals.some((goal) => goal.pages.some((page) => page.test(context.path))),
    /** Ids of the named audiences the visitor is in, carried on exposure events for breakdowns. */
    segments: () => rules.audiences.filter((entry) => entry.test(context)).map((entry) => entry.audience.id),
    /** The updated profile to send back, or undefined when nothing new was learnt (and never for a preview). */
    profile:
      remembered ??
      (!preview && profileChanged(previous, observed.profile, view.type !== undefined, observed.newSession)
        ? observed.profile
        : undefined),
  };
}

type PageView = Awaited<ReturnType<typeof preparePageView>>;
export type GatedPageView = Extract<PageView, { gate: Gate }>;
export type PreparedPageView = Exclude<PageView, { gate: Gate }>;
