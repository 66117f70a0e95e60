import type { VisitorContext } from "./context.ts";
import { escapeHtml, truncate } from "./escape.ts";

/**
 * Rule text may greet the visitor with what the request says about them: `Free delivery to {{city|your door}}`.
 * These values come from the visitor's request, so they are escaped wherever they land — in HTML ops too,
 * where the rule author's own markup is trusted but a crafted UTM parameter must never become markup.
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
 * Fills placeholders. `html` output escapes the visitor-derived values and keeps the author's markup; `text` output
 * is raw text for the rewriter to escape as a whole (it does, for text content and attribute values alike).
 */
export function renderTemplate(template: string, values: TemplateValues, mode: "html" | "text"): string {
  if (!template.includes("{{")) return template;
  return template.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
    const value = truncate(values[name as Placeholder] || fallback || "", MAX_VALUE_LENGTH).trim();
    return mode === "html" ? escapeHtml(value) : value;
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
