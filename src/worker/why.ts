import type { Context } from "hono";
import { FOR_YOU_ANCHORS } from "../core/catalogue/recommendations.ts";
import { compilePagePattern } from "../core/decide/page-pattern.ts";
import { inProgrammeHoldout } from "../core/decide/programme-holdout.ts";
import { html, raw, type SafeHtml } from "../core/html/html.ts";
import { preparePageView } from "../core/page-view/prepare-page-view.ts";
import { OBJECTION_COOKIE } from "../core/schema/consent.ts";
import { readCookie, serializeCookie } from "../core/visitor/cookies.ts";
import { gateOf } from "../core/visitor/gate.ts";
import { decodeIdentity, VISITOR_COOKIE } from "../core/visitor/identity.ts";
import type { Profile } from "../core/visitor/profile.ts";
import { decodeProfile, PROFILE_COOKIE, readProfileCookie } from "../core/visitor/profile-cookie.ts";
import type { GeoHints } from "../core/visitor/request-context.ts";
import { requestSite } from "../core/visitor/same-origin.ts";
import { loadCatalogue } from "./catalogue.ts";
import { configOf } from "./config.ts";
import type { Env } from "./env.ts";
import { loadRecommendations } from "./recommendations.ts";
import { loadRules } from "./rules.ts";

type WhyContext = Context<{ Bindings: Env }>;

/** A sample path a page pattern matches, to ask "which arm would this visitor get on that page?". */
const samplePath = (pattern: string) => pattern.replace(/\*\*/g, "x").replace(/\*/g, "x");

function describeProfile(profile: Profile | undefined) {
  if (!profile) return undefined;
  return {
    sessions: profile.sessions,
    lastVisit: new Date(profile.lastSeen * 1000).toISOString(),
    thisVisitCameFrom: profile.session.source,
    categoriesViewed: Object.fromEntries(
      Object.entries(profile.categories).map(([category, days]) => [category, days.length]),
    ),
    recentlyViewedProducts: profile.recent,
    basketAddsThisVisit: profile.session.basketAdds,
    purchases: profile.purchases,
    // Bandit tests adjust how many visitors get each version; this is the version kept for this visitor.
    ...(profile.arms
      ? {
          versionsKept: Object.fromEntries(
            Object.entries(profile.arms).map(([experiment, held]) => [
              experiment,
              `${held.arm} (allocation period ${held.period})`,
            ]),
          ),
        }
      : {}),
  };
}

/** What Stylist knows about this visitor and why they see what they see, as data. */
async function explain(c: WhyContext) {
  const now = Date.now();
  const secret = configOf(c.env).visitorSecret;
  const request = c.req.raw;
  const cookies = request.headers.get("cookie");
  const rules = await loadRules(c.env, now);
  const gate = gateOf(request.headers, rules.consent, false);
  const identity = secret && (await decodeIdentity(readCookie(cookies, VISITOR_COOKIE), secret));
  if (gate === "objection" || gate === "bot" || !secret || !identity) {
    return {
      objected: gate === "objection",
      stored: null,
      audiences: [],
      experiences: [],
      gate: gate ?? null,
      recommendations: null,
    };
  }
  const profile = await decodeProfile(readProfileCookie(cookies), identity.id, secret);
  // The worker's own page view for each path asked about: the same gate, profile, customer, holdout and arms.
  const geo = (request as Request & { cf?: GeoHints }).cf;
  const viewOf = (path: string) =>
    preparePageView({
      request: new Request(new URL(path, request.url), { headers: request.headers }),
      geo,
      verifiedBot: false,
      secret,
      secrets: c.env as unknown as Record<string, unknown>,
      now,
      loadRules: async () => rules,
      loadCatalogue: () => loadCatalogue(c.env, now),
      loadRecommendations: (products) => loadRecommendations(c.env, now, products),
    });
  const here = await viewOf(new URL(request.url).pathname);
  const audiences = (here.gate ? [] : here.rules.audiences.filter((entry) => entry.test(here.context))).map(
    ({ audience }) => ({ id: audience.id, name: audience.name ?? audience.id, reason: audience.reason }),
  );
  const heldBack = inProgrammeHoldout(rules, identity.id);
  const experiences = [];
  let recommended = false;
  for (const compiled of heldBack ? [] : rules.live) {
    const page = compiled.experiment.pages[0] ?? "/";
    const path = samplePath(page);
    if (!compilePagePattern(page).test(path)) continue;
    const decision = (await viewOf(path)).decisions.find((candidate) => candidate.compiled === compiled);
    if (!decision) continue;
    recommended ||= compiled.usesRecommendations && !decision.control;
    experiences.push({
      experiment: compiled.experiment.id,
      name: compiled.experiment.name ?? compiled.experiment.id,
      pages: compiled.experiment.pages,
      youSee: decision.control ? "the original page" : `version "${decision.variant.id}"`,
      // A bandit: the share each version gets is adjusted as results come in; a visitor keeps theirs.
      ...(decision.period !== undefined ? { period: decision.period } : {}),
    });
  }
  return {
    objected: false,
    gate: gate ?? null,
    /** In the programme holdout: no personalisation at all, kept as a comparison group. */
    heldBack,
    stored: {
      visitorId: identity.id,
      firstVisit: new Date(identity.firstSeen * 1000).toISOString(),
      profile: describeProfile(profile) ?? null,
    },
    audiences,
    experiences,
    /** Shown recommendations: the products the visitor looked at that "Picked for you" draws on. */
    recommendations: recommended ? await becauseYouLookedAt(c.env, now, profile) : null,
  };
}

/** The names of the recently viewed products `forYou` works from (core/catalogue/recommendations.ts). */
async function becauseYouLookedAt(env: Env, now: number, profile: Profile | undefined) {
  const catalogue = await loadCatalogue(env, now);
  const looked = (profile?.recent ?? [])
    .slice(0, FOR_YOU_ANCHORS)
    .map((slug) => catalogue.bySlug.get(slug)?.name ?? slug);
  return { becauseYouLookedAt: looked };
}

/** "categories viewed: trail running (2 views), camping (1 view)": what a visitor reads, not the stored JSON. */
function categoriesInWords(viewed: Record<string, number>): string {
  const entries = Object.entries(viewed);
  if (entries.length === 0) return "no categories viewed";
  const parts = entries.map(
    ([category, views]) => `${category.replace(/[-_]+/g, " ")} (${views} ${views === 1 ? "view" : "views"})`,
  );
  return `categories viewed: ${parts.join(", ")}`;
}

const PAGE_STYLE =
  "body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}h1{font-size:1.5rem}li{margin:.3rem 0}button{font:inherit;padding:.5rem 1rem}";

function page(data: Awaited<ReturnType<typeof explain>>): string {
  const list = (items: SafeHtml[]) => (items.length ? html`<ul>${items}</ul>` : html`<p>None.</p>`);
  const stored = data.stored;
  const profile = stored?.profile;
  const body = data.objected
    ? html`<p>You have objected: Stylist stores nothing about you, logs nothing and shows you the standard site.</p>`
    : data.gate === "bot"
      ? html`<p>Your browser was treated as a bot: its user agent is on the list of crawlers and automated browsers (headless Chrome says "HeadlessChrome"). Bots see the standard site, get no cookie and are never logged.</p><p>Testing the site with an automated browser? Open a preview link (<code>npx stylist preview EXPERIMENT ARM</code>, or <code>npx stylist preview --qa</code> for the site as a visitor gets it): nothing about it is logged.</p>`
      : !stored
        ? html`<p>Stylist has not stored anything about you.</p>`
        : html`<h2>What we store</h2>${list([
            html`<li>A random visitor id (<code>${stored.visitorId}</code>) in a first-party cookie, first set ${stored.firstVisit}. It keeps you in the same version of each test.</li>`,
            ...(profile
              ? [
                  html`<li>A profile cookie on your device: visit ${profile.sessions}, ${categoriesInWords(profile.categoriesViewed)}, recently viewed products ${profile.recentlyViewedProducts.join(", ") || "none"}, basket adds this visit ${profile.basketAddsThisVisit}, purchases ${profile.purchases}.</li>`,
                ]
              : []),
            html`<li>For each test you see, an event with that id, the version, the page and your device type: never your IP address or anything you type.</li>`,
          ])}<h2>Why you see what you see</h2>${list(data.audiences.map((a) => html`<li><strong>${a.name}</strong>: ${a.reason}</li>`))}<h2>Tests you are in</h2>${list(
            data.experiences.map(
              (e) =>
                html`<li>${e.name} (${e.pages.join(", ")}): you see ${e.youSee}${"period" in e ? `, kept since allocation period ${e.period} (how many visitors get each version is adjusted as results come in; yours stays)` : ""}</li>`,
            ),
          )}${data.recommendations && html`<h2>Product suggestions</h2><p>${data.recommendations.becauseYouLookedAt.length > 0 ? `"Picked for you" suggestions are there because you looked at ${data.recommendations.becauseYouLookedAt.join(", ")}.` : `"Picked for you" shows our bestsellers until you have looked at some products.`} Suggestions beside a product come from what other shoppers viewed and bought with it, never from anything about you alone.</p>`}${data.heldBack && html`<p>You are in a small comparison group that sees the site without personalisation.</p>`}<form method="post" action="/_stylist/why/object"><p><button type="submit">Stop personalising and measuring me</button></p></form>`;
  return html`<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,"><title>Why you see this</title><style>${raw(PAGE_STYLE)}</style></head><body><h1>Personalisation on this site</h1>${body}</body></html>`
    .markup;
}

/** `GET /_stylist/why`: the visitor's own view of what is stored and why; JSON with `Accept: application/json`. */
export async function why(c: WhyContext): Promise<Response> {
  const data = await explain(c);
  c.header("cache-control", "private, no-store");
  if ((c.req.header("accept") ?? "").includes("application/json")) return c.json(data);
  return c.html(page(data));
}

/** `POST /_stylist/why/object`: forget the identifier and profile on this device, and stop for good. */
export function object(c: WhyContext): Response {
  // A form on another site (or in a sandboxed frame anywhere) must not be able to opt a visitor out behind their
  // back and wipe their ids: only this site's own page, as the browser attests, may object.
  if (requestSite(c.req.raw.headers, c.req.url) !== "same-origin") {
    c.header("cache-control", "no-store");
    return c.text("Objections are accepted from this site's own page: /_stylist/why", 403);
  }
  const expire = (name: string) => serializeCookie(name, "", { maxAgeSeconds: 0 });
  const headers = new Headers({ location: "/_stylist/why", "cache-control": "no-store" });
  headers.append("set-cookie", expire(VISITOR_COOKIE));
  headers.append("set-cookie", expire(PROFILE_COOKIE));
  headers.append("set-cookie", serializeCookie(OBJECTION_COOKIE, "1", { maxAgeSeconds: 400 * 24 * 60 * 60 }));
  return new Response(null, { status: 303, headers });
}
