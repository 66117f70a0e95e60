import { describe, expect, it } from "vitest";
import { checkSelector } from "../../src/core/html/selector.ts";
import { SUPPORTED_SELECTORS, UNSUPPORTED_SELECTORS } from "../fixtures/selectors.ts";

function runtimeAccepts(selector: string): boolean {
  try {
    new HTMLRewriter().on(selector, {});
    return true;
  } catch {
    return false;
  }
}

describe("selector validation agrees with workerd's HTMLRewriter", () => {
  it.each(SUPPORTED_SELECTORS)("both accept %s", (selector) => {
    expect(checkSelector(selector)).toBeUndefined();
    expect(runtimeAccepts(selector)).toBe(true);
  });

  it.each(UNSUPPORTED_SELECTORS.filter(([selector]) => selector !== ""))("both refuse %s", (selector) => {
    expect(checkSelector(selector)).toBeDefined();
    expect(runtimeAccepts(selector)).toBe(false);
  });
});
