import type { Decision } from "../core/decide.ts";
import type { SelectorPlan } from "../core/edit-plan.ts";
import type { RenderData } from "../core/render-data.ts";
import { applyOp } from "./apply-op.ts";
import type { RewriterFactory } from "./rewriter-types.ts";

/** What the streamed page really contained, known once the last byte has passed through. */
interface RenderOutcome {
  /** Per decision: did one of its exposure selectors match in the served HTML? */
  matched: boolean[];
  /** Per decision: did applying one of its ops throw? A faulted experiment is not counted. */
  faulted: boolean[];
}

export interface Rendered {
  response: Response;
  /** Settles when the document has streamed to the end; never settles if the client goes away first. */
  outcome: Promise<RenderOutcome>;
}

/**
 * Streams `response` through HTMLRewriter, applying the plan. Handlers are synchronous and tiny: the page is never
 * buffered. An op that throws is skipped (the element stays as the origin sent it) and its experiment is marked
 * faulted, so a broken variant cannot contaminate the results.
 */
export function renderPage(
  response: Response,
  decisions: readonly Decision[],
  plan: readonly SelectorPlan[],
  data: RenderData,
  createRewriter: RewriterFactory,
  onFault: (error: unknown, decision: Decision) => void,
): Rendered {
  const matched = decisions.map(() => false);
  const faulted = decisions.map(() => false);
  let finish: (outcome: RenderOutcome) => void = () => {};
  const outcome = new Promise<RenderOutcome>((resolve) => {
    finish = resolve;
  });
  let rewriter = createRewriter();
  for (const { selector, actions } of plan) {
    rewriter = rewriter.on(selector, {
      element(element) {
        for (const action of actions) {
          // Only the exposure watches count: they are the same in every arm, so the arms are counted alike.
          if (!action.op) {
            matched[action.decision] = true;
            continue;
          }
          if (faulted[action.decision]) continue;
          try {
            applyOp(element, action.op, data);
          } catch (error) {
            faulted[action.decision] = true;
            onFault(error, decisions[action.decision] as Decision);
          }
        }
      },
    });
  }
  rewriter = rewriter.onDocument({ end: () => finish({ matched, faulted }) });
  return { response: rewriter.transform(response), outcome };
}
