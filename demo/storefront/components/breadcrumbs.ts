import { html, type SafeHtml } from "../html.ts";

export interface Crumb {
  label: string;
  href?: string;
}

/** The last crumb is the current page and is therefore not a link. */
export function breadcrumbs(crumbs: readonly Crumb[]): SafeHtml {
  return html`<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>${crumbs.map((crumb) =>
    crumb.href
      ? html`<li><a href="${crumb.href}">${crumb.label}</a></li>`
      : html`<li aria-current="page">${crumb.label}</li>`,
  )}</ol></nav>`;
}
