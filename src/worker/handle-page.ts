import { mayShareAcrossVisitors, sharedFreshnessSeconds } from "../core/cache/page-cacheability.ts";
import { reachedGoals } from "../core/page-view/page-view-events.ts";
import { NOTHING_RENDERED } from "../core/page-view/plan-response.ts";
import { previewCookie } from "../core/signing/preview.ts";
import { identityCookie } from "../core/visitor/identity.ts";
import { profileCookie } from "../core/visitor/profile-cookie.ts";
import { configOf, SecretMissing } from "./config.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";
import {
  fetchOrigin,
  isNavigation,
  isPersonalisable,
  OriginTimeout,
  rewriteOriginRedirect,
  unconditional,
} from "./origin.ts";
import { cachedPage, mayHaveCachedPage, pageCacheKey } from "./page-cache.ts";
import { type GatedPageView, type PreparedPageView, preparePageView } from "./page-view.ts";
import { keepWhileStreaming, personalise, personaliseFromCache } from "./personalise.ts";
import { dropTargetedCacheFields, markPrivate, markRevalidate } from "./response-headers.ts";
import { settleWithin } from "./settle-within.ts";

/**
 * How long a page may wait for identity and rules once the origin has answered. KV normally answers from the isolate
 * cache in microseconds; a slow KV must not hold the page, so past this budget the visitor gets the origin page and
 * the load carries on in the background to warm the cache.
 */
const PREPARE_BUDGET_MS = 250;

function requestOrigin(request: Request, env: Env): Promise<Response> {
  return fetchOrigin(request, env.ORIGIN_URL, configOf(env).originHeaders).then(
    (response) => rewriteOriginRedirect(response, request, env.ORIGIN_URL),
    (error) => {
      const timedOut = error instanceof OriginTimeout;
      logFault(timedOut ? "origin_timeout" : "origin_unreachable", error);
      return new Response("The shop could not be reached. Please try again in a moment.", {
        status: timedOut ? 504 : 502,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
      });
    },
  );
}

/**
 * The proxy path for every request that is not Stylist's own. The origin fetch starts first and runs while identity
 * and rules are prepared, so personalisation adds no round trip — unless this isolate holds a kept rendering of the
 * URL (settings.pageCache), when the arms are decided first and a kept page for them is served without the origin.
 * Every failure before the first byte falls back to the origin response as it came.
 */
export async function handlePage(request: Request, env: Env, ctx: Pick<ExecutionContext, "waitUntil">) {
  const candidate = request.method === "GET" && !request.headers.has("range");
  if (!candidate) return requestOrigin(request, env);
  const started = performance.now();
  const url = new URL(request.url);
  // A request with credentials is never served a kept page, so it need not wait for the rules to find that out.
  let originPending =
    mayHaveCachedPage(url) && !request.headers.has("authorization") ? undefined : requestOrigin(request, env);
  let preparedSettled = false;
  const prepared = preparePageView(request, env, ctx)
    .catch((error) => {
      logFault(error instanceof SecretMissing ? "secret_missing" : "decide_failed", error);
      return undefined;
    })
    .finally(() => {
      preparedSettled = true;
    });
  ctx.waitUntil(prepared);
  if (!originPending) {
    const ready = await withinBudget(prepared, () => preparedSettled, PREPARE_BUDGET_MS);
    const page = ready && !ready.gate ? keptPageFor(request, ready, url) : undefined;
    if (ready && !ready.gate && page) {
      try {
        const response = personaliseFromCache(logOf(ready, env, ctx), page, url);
        if (diagnostics(env)) {
          // Whether someone else fetched this URL lately is nobody's business but the operator's.
          response.headers.set("x-stylist-cache", "hit");
          response.headers.append(
            "server-timing",
            `stylist;desc="kept page, no origin request";dur=${(performance.now() - started).toFixed(1)}`,
          );
        }
        return await withVisitorCookies(response, ready, env);
      } catch (error) {
        logFault("render_failed", error);
      }
    }
    originPending = requestOrigin(request, env);
  }
  let origin = await originPending;
  if (origin.status === 304 && isNavigation(request)) {
    // A browser revalidating its copy of a page is still a page view: the profile and URL goals must see it.
    const ready = await withinBudget(prepared, () => preparedSettled, PREPARE_BUDGET_MS);
    if (!ready || ready.gate || ready.preview) return origin;
    if (ready.decisions.length === 0) return notModified(request, origin, ready, env, ctx);
    // A personalised page never carries a validator, so this copy predates an experiment now on the page: the
    // browser must get the page itself, or it would stay on the untouched page.
    void origin.body?.cancel();
    origin = await requestOrigin(unconditional(request), env);
  }
  if (!isPersonalisable(request, origin)) return origin;
  const originAt = performance.now();
  const ready = await withinBudget(prepared, () => preparedSettled, PREPARE_BUDGET_MS);
  const waited = performance.now() - originAt;
  if (!ready) return origin;
  // Bots, objections and missing consent: no cookie, nothing logged, and no test arm — only rolled-out winners.
  if (ready.gate) return serveGated(request, origin, ready, env, ctx);
  try {
    const keepAs = keepingOf(request, origin, url, ready);
    const personalised = personalise({
      ...logOf(ready, env, ctx),
      request,
      origin,
      render: ready.render,
      createRewriter: () => new HTMLRewriter(),
      ...(keepAs ? { keepAs } : {}),
    });
    const response =
      personalised ??
      (keepAs
        ? keepWhileStreaming(new Response(origin.body, origin), Promise.resolve(NOTHING_RENDERED), keepAs)
        : new Response(origin.body, origin));
    if (keepAs && diagnostics(env)) response.headers.set("x-stylist-cache", "miss");
    if (diagnostics(env)) {
      // Workers' clocks advance only across I/O, so these are I/O waits (KV, the origin), not CPU time.
      response.headers.append(
        "server-timing",
        `stylist;desc="after origin";dur=${waited.toFixed(1)}, stylist-origin;desc="origin headers";dur=${(originAt - started).toFixed(1)}`,
      );
    }
    return await withVisitorCookies(response, ready, env);
  } catch (error) {
    logFault("render_failed", error);
    return origin;
  }
}

/** The origin's 304 with what this page view taught: URL goals logged, the profile and identity cookies sent. */
function notModified(
  request: Request,
  origin: Response,
  ready: PreparedPageView,
  env: Env,
  ctx: Pick<ExecutionContext, "waitUntil">,
): Promise<Response> {
  // With nothing decided, personalise only sends the URL goals this view reached.
  personalise({
    ...logOf(ready, env, ctx),
    request,
    origin,
    render: ready.render,
    createRewriter: () => new HTMLRewriter(),
  });
  return withVisitorCookies(new Response(null, origin), ready, env);
}

function logOf(ready: PreparedPageView, env: Env, ctx: Pick<ExecutionContext, "waitUntil">) {
  return {
    context: ready.context,
    rules: ready.rules,
    decisions: ready.decisions,
    conversions: reachedGoals(ready, () => crypto.randomUUID()),
    segments: ready.segments,
    log: !ready.preview,
    env,
    ctx,
  };
}

/** SERVER_TIMING = "1" switches on the headers that tell how a page was served (Server-Timing, X-Stylist-Cache). */
function diagnostics(env: Env): boolean {
  return configOf(env).serverTiming;
}

/** Whether this request's page may come from, or go into, the page cache shared by every visitor. */
function shareable(request: Request, url: URL, ready: PreparedPageView): boolean {
  return (
    !ready.preview &&
    mayShareAcrossVisitors(request.headers, url.pathname, {
      ignoreCookiesOn: ready.rules.pageCache.ignoreCookiesOn,
      consentCookie: ready.rules.consent.cookie,
    })
  );
}

/** The kept rendering of this visitor's arms on this URL, if there is one; never for a preview or a private request. */
function keptPageFor(request: Request, ready: PreparedPageView, url: URL) {
  const key = shareable(request, url, ready) ? pageCacheKey(ready.rules, url, ready.decisions) : undefined;
  return key ? cachedPage(key, ready.now) : undefined;
}

/** Where this rendering may be kept for other visitors: never a preview, and only what the origin allows sharing. */
function keepingOf(request: Request, origin: Response, url: URL, ready: PreparedPageView) {
  if (!shareable(request, url, ready)) return undefined;
  const key = pageCacheKey(ready.rules, url, ready.decisions);
  if (!key) return undefined;
  const fresh = sharedFreshnessSeconds(origin.headers, request.headers);
  if (fresh === undefined) return undefined;
  return {
    key,
    now: ready.now,
    expiresAt: ready.now + Math.min(fresh, ready.rules.pageCache.maxSeconds) * 1000,
  };
}

/** The visitor's own cookies (new identity, updated profile, preview), added per response, never kept. */
async function withVisitorCookies(response: Response, ready: PreparedPageView, env: Env): Promise<Response> {
  if (ready.preview) {
    // A preview is one person's view: never cached, never logged, never mixed into their visitor cookie.
    response.headers.set("cache-control", "private, no-store");
    dropTargetedCacheFields(response.headers);
    if (ready.previewToken.fromLink && ready.previewToken.token) {
      response.headers.append(
        "set-cookie",
        previewCookie(ready.previewToken.token, ready.preview, ready.now),
      );
    }
    return response;
  }
  // preparePageView refuses to run without a usable secret, so a prepared view always has one.
  const secret = configOf(env).visitorSecret;
  if (!secret) return response;
  if (ready.identity.minted) {
    response.headers.append("set-cookie", await identityCookie(ready.identity, secret));
  }
  if (ready.profile)
    response.headers.append("set-cookie", await profileCookie(ready.profile, ready.identity.id, secret));
  // A page the profile or a URL goal watches must come back to the worker on every view: `no-cache` makes the
  // browser revalidate (a cheap 304, handled above) instead of reusing its copy for the origin's max-age.
  if (ready.watched) markRevalidate(response.headers);
  else if (ready.identity.minted || ready.profile) markPrivate(response.headers);
  return response;
}

function serveGated(
  request: Request,
  origin: Response,
  ready: GatedPageView,
  env: Env,
  ctx: Pick<ExecutionContext, "waitUntil">,
): Response {
  if (ready.decisions.length === 0) return origin;
  try {
    return (
      personalise({
        request,
        origin,
        context: ready.context,
        rules: ready.rules,
        decisions: ready.decisions,
        conversions: [],
        render: ready.render,
        segments: () => [],
        log: false,
        env,
        ctx,
        createRewriter: () => new HTMLRewriter(),
      }) ?? origin
    );
  } catch (error) {
    logFault("render_failed", error);
    return origin;
  }
}

/** Resolves to the prepared page view, or undefined if it is not ready within `ms`. */
function withinBudget<T>(promise: Promise<T>, settled: () => boolean, ms: number): Promise<T | undefined> {
  // Preparing normally finishes long before the origin answers: then no timer is needed at all.
  if (settled()) return promise;
  return settleWithin(promise, ms, () => {
    logFault(
      "prepare_timeout",
      new Error(`identity, rules and decisions took over ${ms} ms after the origin answered`),
    );
    return undefined;
  });
}
