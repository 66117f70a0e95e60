/**
 * HTMLRewriter (lol-html) accepts only a subset of CSS. An unsupported selector makes `HTMLRewriter.on()` throw
 * for every page it applies to, so rules are checked here, before they can reach the edge.
 * Supported syntax: https://developers.cloudflare.com/workers/runtime-apis/html-rewriter/#selectors
 */

const IDENT = "-?[_a-zA-Z][_a-zA-Z0-9-]*";
const STRING = String.raw`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`;
const ATTRIBUTE = String.raw`\[\s*${IDENT}\s*(?:[~^$*|]?=\s*(?:${STRING}|${IDENT})(?:\s+[is])?\s*)?\]`;
const NTH = String.raw`\(\s*(?:odd|even|[+-]?\d*n?(?:\s*[+-]\s*\d+)?)\s*\)`;
const PSEUDO = `:(?:first-child|first-of-type|nth-child${NTH}|nth-of-type${NTH})`;
const SIMPLE_PART = String.raw`(?:#${IDENT}|\.${IDENT}|${ATTRIBUTE}|${PSEUDO}|:not\((?:[^()]|\([^()]*\))+\))`;
const COMPOUND = new RegExp(String.raw`^(?:\*|${IDENT})?(?:${SIMPLE_PART})*$`);

export interface SelectorProblem {
  message: string;
}

/**
 * Splits one complex selector into compound selectors at top-level combinators, keeping brackets, parentheses and
 * quoted strings whole. Returns an error message for a top-level `+` or `~`, which HTMLRewriter does not support.
 */
function splitCompounds(selector: string): string[] | string {
  const compounds: string[] = [];
  let current = "";
  let depth = 0;
  let quote: string | undefined;
  let pendingChild = false;
  const flush = () => {
    if (current !== "") compounds.push(current);
    current = "";
  };
  for (let i = 0; i < selector.length; i++) {
    const char = selector[i] as string;
    if (quote) {
      current += char;
      if (char === "\\") current += selector[++i] ?? "";
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === "[" || char === "(") depth++;
    else if (char === "]" || char === ")") depth--;
    else if (depth === 0) {
      if (char === "+" || char === "~") return "sibling combinators (+, ~) are not supported by HTMLRewriter";
      if (char === ">" || /\s/.test(char)) {
        if (char === ">") {
          if (current === "" && compounds.length === 0)
            return "a child combinator needs a selector on both sides";
          if (pendingChild && current === "")
            return "two child combinators (>>) need a selector between them";
          pendingChild = true;
        }
        flush();
        continue;
      }
    }
    pendingChild = false;
    current += char;
  }
  if (quote || depth !== 0) return "unbalanced quotes, brackets or parentheses";
  if (pendingChild) return "a child combinator needs a selector on both sides";
  flush();
  return compounds;
}

/** Splits a selector list at top-level commas; commas inside quotes, brackets or parentheses stay. */
export function splitList(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const char = selector[i];
    if (quote) {
      if (char === "\\") i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "[" || char === "(") depth++;
    else if (char === "]" || char === ")") depth--;
    else if (char === "," && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((part) => part.trim());
}

/** Returns why `selector` would fail in HTMLRewriter, or undefined when it is supported. */
export function checkSelector(selector: string): SelectorProblem | undefined {
  if (selector.trim() === "") return { message: "selector is empty" };
  for (const part of splitList(selector)) {
    if (part === "") return { message: "a selector list has an empty entry" };
    const compounds = splitCompounds(part);
    if (typeof compounds === "string") return { message: compounds };
    for (const compound of compounds) {
      if (!COMPOUND.test(compound)) {
        return { message: `"${compound}" is not a selector HTMLRewriter supports` };
      }
      for (const negated of compound.matchAll(/:not\(((?:[^()]|\([^()]*\))+)\)/g)) {
        const inner = checkSelector(negated[1] as string);
        if (inner) return { message: `inside :not(): ${inner.message}` };
      }
    }
  }
  return undefined;
}

/**
 * A selector that matches by tag or universal alone (`div`, `*`, `p span`) tends to match hundreds of elements on a
 * product page, and each match runs a handler. `stylist validate` warns about these.
 */
const UNIQUE_ELEMENTS = ["html", "head", "body", "title", "main", "h1"];

export function isBroadSelector(selector: string): boolean {
  return splitList(selector).some((part) => {
    const last = part.split(/\s*>\s*|\s+/).at(-1) ?? "";
    return /^(?:\*|[a-zA-Z][a-zA-Z0-9-]*)$/.test(last) && !UNIQUE_ELEMENTS.includes(last);
  });
}
