import type { CompiledRules } from "../core/compile.ts";
import type { VisitorContext } from "../core/context.ts";
import type { Decision } from "../core/decide.ts";
import { planEdits } from "../core/edit-plan.ts";
import { type ExposureOutcome, exposureEvents } from "../core/exposures.ts";
import { redirectTarget } from "../core/redirect.ts";
import { templateValues } from "../core/template.ts";
import { renderPage } from "../render/render.ts";
import type { RewriterFactory } from "../render/rewriter-types.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";
import { markPersonalised } from "./response-headers.ts";

export interface PersonaliseInput {
  request: Request;
  origin: Response;
  context: VisitorContext;
  rules: CompiledRules;
  decisions: Decision[];
  /** False for previews: they are never logged. */
  log: boolean;
  env: Env;
  ctx: Pick<ExecutionContext, "waitUntil">;
  createRewriter: RewriterFactory;
}

function sendExposures(
  input: PersonaliseInput,
  decisions: readonly Decision[],
  outcome: Promise<ExposureOutcome>,
) {
  if (!input.log) return;
  input.ctx.waitUntil(
    outcome
      .then((result) => {
        const events = exposureEvents(input.context, decisions, result, input.rules.version, () =>
          crypto.randomUUID(),
        );
        if (events.length > 0)
          return input.env.EVENTS.sendBatch(events.map((body) => ({ body, contentType: "json" })));
      })
      .catch((error) => logFault("exposure_send_failed", error)),
  );
}

/** A split-URL variant: 302 (never 301, which browsers cache) to the variant URL, exposed now. */
function redirectResponse(input: PersonaliseInput): Response | undefined {
  const url = new URL(input.request.url);
  for (const decision of input.decisions) {
    const op = decision.variant.ops[0];
    if (op?.op !== "redirect") continue;
    const target = redirectTarget(op.url, url, input.rules.redirectHosts);
    if (!target) continue;
    void input.origin.body?.cancel();
    const exposed = input.decisions.filter((candidate) => candidate.compiled.exposeOnDecision);
    sendExposures(
      input,
      exposed,
      Promise.resolve({ matched: exposed.map(() => true), faulted: exposed.map(() => false) }),
    );
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
  const { decisions, context } = input;
  if (decisions.length === 0) return undefined;
  const redirect = redirectResponse(input);
  if (redirect) return redirect;
  const needsValues = decisions.some((decision) => decision.compiled.usesPlaceholders);
  const rendered = renderPage(
    input.origin,
    decisions,
    planEdits(decisions),
    needsValues ? templateValues(context) : {},
    input.createRewriter,
    (error, decision) => logFault("op_failed", error, { experiment: decision.compiled.experiment.id }),
  );
  sendExposures(input, decisions, rendered.outcome);
  const response = new Response(rendered.response.body, rendered.response);
  markPersonalised(response.headers);
  return response;
}
