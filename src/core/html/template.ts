import { createBoundedCache } from "../cache/bounded-cache.ts";
import type { VisitorContext } from "../visitor/context.ts";
import { escapeHtml, truncate } from "./escape.ts";
import { type AttributeKind, attributeKind } from "./output-contexts.ts";
import { type PlaceholderSite, placeholderSites } from "./template-sites.ts";
import { encodeUrlComponent } from "./url-safety.ts";

/**
 * Rule text may greet the visitor with what the request says about them: `Free delivery to {{city|your door}}`.
 * These values come from the visitor's request, so each is encoded for where it lands: escaped in HTML text and
 * plain attribute values, percent-encoded as one component in a URL, reduced to one safe token in CSS, and refused
 * (the op fails, the page is the origin's) in a script, a nested document or a raw-text element.
 */
export const PLACEHOLDERS = [
  "country",
  "city",
  "region",
  "device",
  "utm.source",
  "utm.medium",
  "utm.campaign",
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Partial<Record<Placeholder, string>>;

const PLACEHOLDER = /\{\{\s*([a-z.]+)\s*(?:\|([^}]*))?\}\}/g;
const MAX_VALUE_LENGTH = 100;

export function checkTemplate(template: string): string | undefined {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      return `unknown placeholder {{${name}}}; known: ${PLACEHOLDERS.join(", ")}`;
    }
  }
  const stray = template.replace(PLACEHOLDER, "");
  if (stray.includes("{{")) return "an unclosed or malformed {{placeholder}}";
  return undefined;
}

export function hasPlaceholders(template: string): boolean {
  return template.includes("{{");
}

/**
 * Where the rendered template goes:
 * - `text`: raw text for the rewriter to escape as a whole (`setInnerContent(…, { html: false })`);
 * - `html`: rule HTML, each placeholder encoded for the context it sits in (text, attribute, URL, CSS);
 * - an attribute of an element (`setAttribute`): raw for the rewriter, encoded for that attribute's kind.
 */
export type TemplateTarget = "text" | "html" | { element: string; attribute: string };

/** Thrown when a value would land where no encoding makes it safe; the op fails and its experiment is not counted. */
export class UnsafeContextError extends Error {}

/** A CSS value a visitor may choose: one word, number, length, percentage or hex colour — no `;`, `:`, `(`, `\`. */
const CSS_TOKEN = /^-?[A-Za-z0-9#.%]+$/;

/** Rule templates are few and fixed per snapshot: their sites are worked out once per isolate. */
const sitesCache = createBoundedCache<PlaceholderSite[]>(512);

function sitesOf(template: string): PlaceholderSite[] {
  let sites = sitesCache.get(template);
  if (!sites) {
    sites = placeholderSites(template);
    sitesCache.set(template, sites);
  }
  return sites;
}

function encodeForAttribute(kind: AttributeKind, value: string, fallback: string, where: string): string {
  if (kind === "plain") return value;
  if (kind === "url") return encodeUrlComponent(value);
  if (kind === "css") {
    if (CSS_TOKEN.test(value)) return value;
    return CSS_TOKEN.test(fallback) ? fallback : "";
  }
  throw new UnsafeContextError(
    `a {{placeholder}} in ${where} is refused: no encoding makes a visitor value safe there`,
  );
}

function encodeForSite(site: PlaceholderSite | undefined, value: string, fallback: string): string {
  if (site?.kind === "text") return escapeHtml(value);
  if (site?.kind === "attribute") {
    const kind = attributeKind(site.element, site.attribute);
    const where = `${site.attribute}= of <${site.element}>`;
    return escapeHtml(encodeForAttribute(kind, value, fallback, where));
  }
  const where = site?.kind === "raw" ? `<${site.element}>` : "a tag, comment or unquoted attribute";
  throw new UnsafeContextError(
    `a {{placeholder}} in ${where} is refused: HTML escaping does not make it safe there`,
  );
}

/** Fills placeholders, each value (or the author's fallback) capped, trimmed and encoded for `target`. */
export function renderTemplate(template: string, values: TemplateValues, target: TemplateTarget): string {
  if (!template.includes("{{")) return template;
  const sites = target === "html" ? sitesOf(template) : [];
  const kind = typeof target === "object" ? attributeKind(target.element, target.attribute) : undefined;
  let index = 0;
  return template.replace(PLACEHOLDER, (_match, name: string, alternative: string | undefined) => {
    const fallback = truncate(alternative ?? "", MAX_VALUE_LENGTH).trim();
    const value = truncate(values[name as Placeholder] || alternative || "", MAX_VALUE_LENGTH).trim();
    const site = sites[index++];
    if (target === "text") return value;
    if (target === "html") return encodeForSite(site, value, fallback);
    return encodeForAttribute(
      kind as AttributeKind,
      value,
      fallback,
      `${target.attribute}= of <${target.element}>`,
    );
  });
}

export function templateValues(context: VisitorContext): TemplateValues {
  return {
    country: context.country,
    city: context.city,
    region: context.region,
    device: context.device,
    "utm.source": context.utm.source,
    "utm.medium": context.utm.medium,
    "utm.campaign": context.utm.campaign,
  };
}
