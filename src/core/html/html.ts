import { escapeHtml } from "./escape.ts";

/**
 * Markup built by `html` (so every value in it was escaped) or passed through `raw` by code that made it. Only this
 * type goes into a template unescaped: a string always is escaped, so forgetting to escape cannot happen.
 */
export class SafeHtml {
  readonly markup: string;
  constructor(markup: string) {
    this.markup = markup;
  }
  toString(): string {
    return this.markup;
  }
}

/** `false`, `null` and `undefined` print nothing, so `${condition && html`…`}` reads naturally. */
export type HtmlValue = SafeHtml | string | number | false | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

/**
 * An escape-by-default HTML template: text and attribute values are escaped, nested `html` and arrays of it are
 * kept. Synchronous and plain strings out (hono/html's `html` may return a promise), so the same builder serves the
 * streamed rewriter (product lists), the worker's /why page and the CLI's HTML report.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/** Markup made by code from trusted parts (inline CSS, SVG drawn from numbers), never from data or input. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
