import type { CompiledRules } from "../core/compile.ts";
import type { VisitorContext } from "../core/context.ts";
import type { Decision } from "../core/decide.ts";
import { planEdits } from "../core/edit-plan.ts";
import { type ExposureOutcome, exposureEvents } from "../core/exposures.ts";
import { redirectTarget } from "../core/redirect.ts";
import type { RenderData } from "../core/render-data.ts";
import { type EventPack, MAX_EVENTS_PER_MESSAGE, type StylistEvent } from "../core/schema/event.ts";
import { renderPage } from "../render/render.ts";
import type { RewriterFactory } from "../render/rewriter-types.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";
import { type CachedPage, copyWhileStreaming, keepPage } from "./page-cache.ts";
import { markPersonalised } from "./response-headers.ts";

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

export const NOTHING_RENDERED: ExposureOutcome = { matched: [], faulted: [] };

/**
 * A page the visitor abandons mid-stream never reaches its end, so its outcome never settles; after this long the
 * page view is given up as not exposed, and its goals are sent alone.
 */
const ABANDONED_AFTER_MS = 25_000;

function settleOrAbandon(outcome: Promise<ExposureOutcome>): Promise<ExposureOutcome> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const abandoned = new Promise<ExposureOutcome>((resolve) => {
    timer = setTimeout(() => resolve(NOTHING_RENDERED), ABANDONED_AFTER_MS);
  });
  return Promise.race([outcome, abandoned]).finally(() => {
    if (timer !== null) clearTimeout(timer);
  });
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
  decisions: readonly Decision[],
  outcome: ExposureOutcome | Promise<ExposureOutcome>,
) {
  if (!input.log) return;
  input.ctx.waitUntil(
    (outcome instanceof Promise ? settleOrAbandon(outcome) : Promise.resolve(outcome))
      .then((result) => {
        const newId = () => crypto.randomUUID();
        const segments = decisions.length > 0 ? input.segments() : [];
        const exposures = exposureEvents(
          input.context,
          decisions,
          result,
          input.rules.version,
          newId,
          segments,
        );
        const events = [...exposures, ...input.conversions];
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

/** The redirect a decision asks for, if any; `undefined` when the decision is not a redirect or it is refused. */
function redirectOf(decision: Decision, url: URL, rules: CompiledRules): URL | "refused" | undefined {
  const op = decision.variant.ops[0];
  if (op?.op !== "redirect") return undefined;
  return redirectTarget(op.url, url, rules.redirectHosts) ?? "refused";
}

/** A split-URL variant: 302 (never 301, which browsers cache) to the variant URL, exposed now. */
function redirectResponse(input: PersonaliseInput): Response | undefined {
  const url = new URL(input.request.url);
  for (const decision of input.decisions) {
    const target = redirectOf(decision, url, input.rules);
    if (!target || target === "refused") continue;
    void input.origin.body?.cancel();
    const exposed = input.decisions.filter((candidate) => candidate.compiled.exposeOnDecision);
    sendEvents(input, exposed, { matched: exposed.map(() => true), faulted: exposed.map(() => false) });
    return new Response(null, {
      status: 302,
      headers: { location: target.toString(), "cache-control": "private, no-store" },
    });
  }
  return undefined;
}

/**
 * Serves the decided arms: a redirect for a split-URL variant, otherwise the origin page streamed through one
 * rewriter pass. Returns undefined when nothing was decided, so the caller hands the origin response over untouched
 * and skips the rewriter's cost entirely.
 */
export function personalise(input: PersonaliseInput): Response | undefined {
  const { decisions } = input;
  if (decisions.length === 0) {
    if (input.conversions.length > 0) sendEvents(input, [], NOTHING_RENDERED);
    return undefined;
  }
  const redirect = redirectResponse(input);
  if (redirect) return redirect;
  // A redirect refused at run time (off-site, or a loop) leaves the visitor on this page: that is not its arm, so the
  // decision is not logged.
  const url = new URL(input.request.url);
  const refused = decisions.map((decision) => redirectOf(decision, url, input.rules) === "refused");
  const rendered = renderPage(
    input.origin,
    decisions,
    planEdits(decisions),
    input.render,
    input.createRewriter,
    (error, decision) => logFault("op_failed", error, { experiment: decision.compiled.experiment.id }),
  );
  sendEvents(
    input,
    decisions,
    rendered.outcome.then((outcome) => ({
      ...outcome,
      faulted: outcome.faulted.map((f, i) => f || Boolean(refused[i])),
    })),
  );
  const response = new Response(rendered.response.body, rendered.response);
  markPersonalised(response.headers);
  // The body is decoded HTML by now; without Content-Encoding the runtime sends it as it streams.
  if (input.env.COMPRESSION === "front-line") response.headers.delete("content-encoding");
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
export function personaliseFromCache(input: PageViewLog, page: CachedPage): Response {
  sendEvents(input, input.decisions, page.outcome);
  const response = new Response(page.body, { status: 200, headers: page.headers });
  const age = page.originAge + Math.max(0, Math.floor((input.context.now - page.keptAt) / 1000));
  response.headers.set("age", String(age));
  return response;
}
