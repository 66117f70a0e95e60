import { attributeKind } from "./output-contexts.ts";
import { hasPlaceholders } from "./template.ts";
import { urlListItems, urlProblem, urlTemplateProblem } from "./url-safety.ts";

/**
 * Why a `setAttribute` op is refused, or undefined. The element is not known until the page streams (the worker
 * refuses there what depends on it, such as `content` of a `<meta>`); what the name alone decides is decided here.
 * The value is what the browser will read: the worker escapes `&`, so references in it stay literal.
 */
export function setAttributeProblem(name: string, value: string): string | undefined {
  const kind = attributeKind("", name);
  if (kind === "markup") return `${name} is refused: it is a whole document, so its value would be markup`;
  if (kind === "refresh")
    return `${name} is refused: a <meta> refresh is a redirect that skips the redirect checks`;
  // on* names are refused by the schema's AttributeName already; one error is enough.
  if (kind === "script" && !/^on/i.test(name)) return `${name} is refused: its value is script`;
  const templated = hasPlaceholders(value);
  if (kind === "url") return templated ? urlTemplateProblem(value, name) : urlProblem(value, name);
  if (kind === "url-list") {
    if (templated)
      return `a {{placeholder}} in ${name}= is refused: in a list of URLs a value could start another one`;
    for (const item of urlListItems(value)) {
      const problem = urlProblem(item, name);
      if (problem) return problem;
    }
  }
  return undefined;
}
