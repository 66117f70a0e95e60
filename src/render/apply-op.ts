import type { Op } from "../core/schema/ops.ts";
import { renderTemplate, type TemplateValues } from "../core/template.ts";
import type { RewriterElement } from "./rewriter-types.ts";

const HTML = { html: true } as const;
const TEXT = { html: false } as const;

function classList(element: RewriterElement): string[] {
  return (element.getAttribute("class") ?? "").split(/\s+/).filter((name) => name !== "");
}

/**
 * Applies one op to one matched element. Placeholder values are escaped inside HTML; text ops hand raw text to
 * the rewriter with `html: false`, which escapes all of it.
 */
export function applyOp(element: RewriterElement, op: Op, values: TemplateValues): void {
  const html = (source: string) => renderTemplate(source, values, "html");
  const text = (source: string) => renderTemplate(source, values, "text");
  switch (op.op) {
    case "setText":
      element.setInnerContent(text(op.value), TEXT);
      return;
    case "setHtml":
      element.setInnerContent(html(op.html), HTML);
      return;
    case "replace":
      element.replace(html(op.html), HTML);
      return;
    case "remove":
      element.remove();
      return;
    case "insertBefore":
      element.before(html(op.html), HTML);
      return;
    case "insertAfter":
      element.after(html(op.html), HTML);
      return;
    case "append":
      element.append(html(op.html), HTML);
      return;
    case "prepend":
      element.prepend(html(op.html), HTML);
      return;
    case "setAttribute":
      element.setAttribute(op.name, text(op.value));
      return;
    case "removeAttribute":
      element.removeAttribute(op.name);
      return;
    case "addClass": {
      const classes = classList(element);
      if (!classes.includes(op.value)) element.setAttribute("class", [...classes, op.value].join(" "));
      return;
    }
    case "removeClass": {
      const classes = classList(element);
      if (classes.includes(op.value)) {
        element.setAttribute("class", classes.filter((name) => name !== op.value).join(" "));
      }
      return;
    }
    case "addStyle":
      element.append(`<style data-stylist>${op.css}</style>`, HTML);
      return;
  }
}
