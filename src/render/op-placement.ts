import type { Op } from "../core/schema/ops.ts";
import { placesAfter } from "./apply-op.ts";
import { CLOSER_AWARE, IMPLIED_END, VOID } from "./html-facts.ts";

/**
 * Where an op's edit lands relative to its element, which decides what it needs to know about that element's extent:
 * - attribute: the start tag only (always safe);
 * - start: right before or after the start tag (safe: the start tag is where the parser has it);
 * - end: at the end tag (placed only once the element's own end tag is seen);
 * - extent: the whole element or its content, removed from the start tag on (safe only if the end tag is the
 *   parser's end).
 */
export type Placement = "attribute" | "start" | "end" | "extent";

export function placementOf(op: Op): Placement {
  switch (op.op) {
    case "setAttribute":
    case "removeAttribute":
    case "addClass":
    case "removeClass":
    case "redirect":
      return "attribute";
    case "insertBefore":
    case "prepend":
      return "start";
    case "append":
    case "insertAfter":
    case "addStyle":
      return "end";
    case "setText":
    case "setHtml":
    case "replace":
    case "remove":
      return "extent";
    case "recentlyViewed":
    case "moreFromCategory":
    case "related":
    case "forYou":
      if (op.position === "prepend" || op.position === "insertBefore") return "start";
      if (op.position === "append" || op.position === "insertAfter") return "end";
      return "extent";
  }
}

/**
 * Why `op` must not be applied to a `<tag>` element, decided at its start tag before any content streams; undefined
 * when it may. Content and end edits of the elements whose end tag HTML may omit are done stepwise
 * (extent-watch.ts) for the common ones; for the rest (table sections, `colgroup`, `caption`, `head`) they are
 * refused. `addStyle` is placed by the renderer itself (see render.ts) and is never refused here.
 */
export function refusal(op: Op, tag: string): string | undefined {
  if (op.op === "addStyle") return undefined;
  const placement = placementOf(op);
  if (placement === "end" && VOID.has(tag) && !placesAfter(op))
    return `${op.op} on <${tag}>: a void element has no content`;
  if ((placement === "end" || placement === "extent") && IMPLIED_END.has(tag) && !CLOSER_AWARE.has(tag))
    return `${op.op} on <${tag}>: HTML lets its end tag be implied, and the rewriter does not follow where for this element; target an element inside it or around it`;
  return undefined;
}
