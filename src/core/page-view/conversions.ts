import type { CompiledRules } from "../decide/compile.ts";
import { type ConversionEvent, ProductIdSchema } from "../schema/event.ts";
import type { VisitorContext } from "../visitor/context.ts";

/**
 * URL goals this page view reaches: one conversion per goal whose pages match the path. On a page the taxonomy
 * types as a product's, the conversion names that product: the product views recommendations learn from.
 */
export function urlGoalConversions(
  context: VisitorContext,
  rules: CompiledRules,
  newId: () => string,
  product?: string,
): ConversionEvent[] {
  const events: ConversionEvent[] = [];
  for (const goal of rules.urlGoals) {
    if (!goal.pages.some((page) => page.test(context.path))) continue;
    events.push({
      id: newId(),
      type: "conversion",
      ts: context.now,
      visitor: context.visitorId,
      goal: goal.id,
      path: context.path.slice(0, 512),
      device: context.device,
      reportedBy: "page",
      ...(context.country ? { country: context.country } : {}),
      ...(context.utm.source ? { source: context.utm.source } : {}),
      ...(product && ProductIdSchema.safeParse(product).success ? { products: [product] } : {}),
    });
  }
  return events;
}
