import type { CompiledRules } from "../core/decide/compile.ts";
import type { Decision } from "../core/decide/decide.ts";
import type { ExposureOutcome } from "../core/page-view/exposures.ts";
import { pageViewEvents } from "../core/page-view/page-view-events.ts";
import {
  NOTHING_RENDERED,
  planResponse,
  type ResponsePlan,
  reusePlan,
  settledExposures,
} from "../core/page-view/plan-response.ts";
import type { RenderData } from "../core/page-view/render-data.ts";
import { type EventPack, MAX_EVENTS_PER_MESSAGE, type StylistEvent } from "../core/schema/event.ts";
import type { VisitorContext } from "../core/visitor/context.ts";
import { renderPage } from "../render/render.ts";
import type { RewriterFactory } from "../render/rewriter-types.ts";
import { configOf } from "./config.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";
import { type CachedPage, copyWhileStreaming, keepPage } from "./page-cache.ts";
import { markPersonalised } from "./response-headers.ts";
import { settleWithin } from "./settle-within.ts";

export interface PersonaliseInput {
  request: Request;
  origin: Response;
  context: VisitorContext;
  rules: CompiledRules;
  decisions: Decision[];
  /** URL goals this page view reached, sent in the same batch as its exposures. */
  conversions: StylistEvent[];
  render: RenderData;
  /** Named audiences the visitor is in; computed only when an exposure is logged. */
  segments: () => string[];
  /** False for previews: they are never logged. */
  log: boolean;
  env: Env;
  ctx: Pick<ExecutionContext, "waitUntil">;
  createRewriter: RewriterFactory;
  /** Set when this rendering may be reused for other visitors with the same arms (see page-cache.ts). */
  keepAs?: { key: string; expiresAt: number; now: number };
}

/**
 * A page the visitor abandons mid-stream never reaches its end, so its outcome never settles; after this long the
 * page view is given up as not exposed, and its goals are sent alone.
 */
const ABANDONED_AFTER_MS = 25_000;

function settleOrAbandon(outcome: Promise<ExposureOutcome>): Promise<ExposureOutcome> {
  return settleWithin(outcome, ABANDONED_AFTER_MS, () => NOTHING_RENDERED);
}

/** What logging a page view needs, whether it was rendered now or reused. */
export type PageViewLog = Pick<
  PersonaliseInput,
  "context" | "rules" | "decisions" | "conversions" | "segments" | "log" | "env" | "ctx"
>;

/**
 * One queue send per page view, once the page has streamed: its exposures plus any goals it reached, packed into one
 * message. An outcome already known (a kept page, a redirect) needs no abandonment timer.
 */
function sendEvents(
  input: PageViewLog,
  plan: ResponsePlan,
  outcome: ExposureOutcome | Promise<ExposureOutcome>,
) {
  if (!input.log) return;
  input.ctx.waitUntil(
    (outcome instanceof Promise ? settleOrAbandon(outcome) : Promise.resolve(outcome))
      .then((result) => {
        const events = pageViewEvents(input, settledExposures(plan, result), input.conversions, () =>
          crypto.randomUUID(),
        );
        if (events.length === 0) return;
        const packs: Array<{ body: EventPack; contentType: "json" }> = [];
        for (let start = 0; start < events.length; start += MAX_EVENTS_PER_MESSAGE) {
          packs.push({
            body: { events: events.slice(start, start + MAX_EVENTS_PER_MESSAGE) },
            contentType: "json",
          });
        }
        return input.env.EVENTS.sendBatch(packs);
      })
      .catch((error) => logFault("exposure_send_failed", error)),
  );
}

/**
 * Serves the decided arms as planResponse says: a 302 (never 301, which browsers cache) for a split-URL variant,
 * otherwise the origin page streamed through one rewriter pass. Returns undefined when nothing was decided, so the
 * caller hands the origin response over untouched and skips the rewriter's cost entirely.
 */
export function personalise(input: PersonaliseInput): Response | undefined {
  const plan = planResponse(input.decisions, new URL(input.request.url), input.rules);
  if (plan.kind === "untouched") {
    if (input.conversions.length > 0) sendEvents(input, plan, NOTHING_RENDERED);
    return undefined;
  }
  if (plan.kind === "redirect") {
    void input.origin.body?.cancel();
    sendEvents(input, plan, NOTHING_RENDERED);
    return new Response(null, {
      status: 302,
      headers: { location: plan.location.toString(), "cache-control": "private, no-store" },
    });
  }
  const rendered = renderPage(
    input.origin,
    plan.decisions,
    plan.edits,
    input.render,
    input.createRewriter,
    (error, decision) => logFault("op_failed", error, { experiment: decision.compiled.experiment.id }),
  );
  sendEvents(input, plan, rendered.outcome);
  const response = new Response(rendered.response.body, rendered.response);
  markPersonalised(response.headers);
  // The body is decoded HTML by now; without Content-Encoding the runtime sends it as it streams.
  if (configOf(input.env).frontLineCompression) response.headers.delete("content-encoding");
  return input.keepAs ? keepWhileStreaming(response, rendered.outcome, input.keepAs) : response;
}

/**
 * Serves a page as it streams and keeps the finished rendering with its outcome, for the next visitor with the same
 * arms. Headers are captured before any visitor cookie is added: those are added per visitor when served.
 */
export function keepWhileStreaming(
  response: Response,
  outcome: Promise<ExposureOutcome>,
  keepAs: { key: string; expiresAt: number; now: number },
): Response {
  if (!response.body) return response;
  const originAge = Number(response.headers.get("age") ?? 0);
  // Date and Age describe the first response; a reuse gets its own from the runtime and the front line.
  const headers = [...response.headers].filter(([name]) => name !== "date" && name !== "age");
  const body = copyWhileStreaming(response.body, keepAs.key, (whole) => {
    if (!whole) return;
    void outcome.then((settled) =>
      keepPage(keepAs.key, {
        body: whole,
        headers,
        outcome: settled,
        expiresAt: keepAs.expiresAt,
        keptAt: keepAs.now,
        originAge: Number.isFinite(originAge) ? originAge : 0,
      }),
    );
  });
  return new Response(body, response);
}

/** A kept rendering for this visitor's arms: no origin fetch, no rewrite; exposures logged as the first render found. */
export function personaliseFromCache(input: PageViewLog, page: CachedPage, url: URL): Response {
  sendEvents(input, reusePlan(input.decisions, url, input.rules), page.outcome);
  const response = new Response(page.body, { status: 200, headers: page.headers });
  const age = page.originAge + Math.max(0, Math.floor((input.context.now - page.keptAt) / 1000));
  response.headers.set("age", String(age));
  return response;
}
