import type { Decision } from "../../core/decide/decide.ts";
import { opSelector } from "../../core/schema/ops.ts";
import { parseDocument, querySelectorAll } from "./dom.ts";
import { findHydrationRoots, hydratedRootOf } from "./hydration.ts";

/**
 * For `simulate`: each op of the served arms whose target lies in a subtree the page's scripts hydrate. Frameworks
 * put their own render back over an edge edit while the exposure is already logged; `stylist verify` shows whether
 * this one survives.
 */
export function hydrationWarnings(html: string, decisions: readonly Decision[]): string[] {
  const document = parseDocument(html);
  const roots = findHydrationRoots(document);
  if (roots.length === 0) return [];
  const warnings: string[] = [];
  for (const decision of decisions) {
    decision.variant.ops.forEach((op, index) => {
      const selector = opSelector(op);
      if (!selector) return;
      let targets: ReturnType<typeof querySelectorAll> = [];
      try {
        targets = querySelectorAll(document, selector);
      } catch {
        return;
      }
      const root = targets.map((target) => hydratedRootOf(target, roots)).find(Boolean);
      if (root) {
        warnings.push(
          `${decision.compiled.experiment.id}/${decision.arm}: ops[${index}] ${op.op} "${selector}" edits a subtree hydrated by ${root.framework} (${root.marker} at ${root.path}): the page's scripts may put the origin's markup back; check with stylist verify`,
        );
      }
    });
  }
  return warnings;
}
