import type { CompiledRules } from "../core/compile.ts";
import type { VisitorContext } from "../core/context.ts";
import { type Decision, decide } from "../core/decide.ts";
import { planEdits } from "../core/edit-plan.ts";
import { exposureEvents } from "../core/exposures.ts";
import { templateValues } from "../core/template.ts";
import { renderPage } from "../render/render.ts";
import type { RewriterFactory } from "../render/rewriter-types.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";
import { markPersonalised } from "./response-headers.ts";

export interface PersonaliseInput {
  origin: Response;
  context: VisitorContext;
  rules: CompiledRules;
  env: Env;
  ctx: Pick<ExecutionContext, "waitUntil">;
  createRewriter: RewriterFactory;
}

/**
 * Decides and streams the rewritten page. Returns undefined when no experiment applies, so the caller can hand the
 * origin response over untouched and skip the rewriter's cost entirely.
 */
export function personalise(input: PersonaliseInput): Response | undefined {
  const { origin, context, rules, env, ctx } = input;
  const decisions: Decision[] = decide(context, rules);
  if (decisions.length === 0) return undefined;
  const plan = planEdits(decisions);
  const needsValues = decisions.some((decision) => decision.compiled.usesPlaceholders);
  const rendered = renderPage(
    origin,
    decisions,
    plan,
    needsValues ? templateValues(context) : {},
    input.createRewriter,
    (error, decision) => logFault("op_failed", error, { experiment: decision.compiled.experiment.id }),
  );
  ctx.waitUntil(
    rendered.outcome
      .then((outcome) => {
        const events = exposureEvents(context, decisions, outcome, rules.version, () => crypto.randomUUID());
        if (events.length > 0)
          return env.EVENTS.sendBatch(events.map((body) => ({ body, contentType: "json" })));
      })
      .catch((error) => logFault("exposure_send_failed", error)),
  );
  const response = new Response(rendered.response.body, rendered.response);
  markPersonalised(response.headers);
  return response;
}
