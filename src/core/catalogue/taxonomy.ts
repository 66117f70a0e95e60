import type { PageType, TaxonomyEntry } from "../schema/taxonomy.ts";
import type { PageView } from "../visitor/profile.ts";

export interface CompiledTaxonomyEntry {
  pattern: RegExp;
  type: PageType;
}

/** `/category/:category` → a regular expression with named groups; `*` is one segment, `**` any rest. */
export function compileTaxonomy(entries: readonly TaxonomyEntry[]): CompiledTaxonomyEntry[] {
  return entries.map((entry) => {
    const source = entry.pattern
      .replace(/\/+$/, "")
      .split("/")
      .map((segment) => {
        if (segment.startsWith(":")) return `(?<${segment.slice(1).replace(/[^A-Za-z0-9_]/g, "")}>[^/]+)`;
        if (segment === "**") return ".*";
        if (segment === "*") return "[^/]+";
        return segment.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    return { pattern: new RegExp(`^${source}/?$`), type: entry.type };
  });
}

/** What kind of page this is, and which category and product it is about (a product's category from the catalogue). */
export function classifyPage(
  taxonomy: readonly CompiledTaxonomyEntry[],
  path: string,
  categoryOfProduct: (slug: string) => string | undefined,
): PageView {
  for (const entry of taxonomy) {
    const match = entry.pattern.exec(path);
    if (!match) continue;
    const clean = (value: string | undefined) =>
      value && /^[a-z0-9][a-z0-9-]{0,100}$/.test(value.toLowerCase()) ? value.toLowerCase() : undefined;
    const product = clean(match.groups?.product);
    const category = clean(match.groups?.category) ?? (product ? categoryOfProduct(product) : undefined);
    return { type: entry.type, category, product };
  }
  return { type: undefined, category: undefined, product: undefined };
}
