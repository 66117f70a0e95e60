import { describe, expect, it } from "vitest";
import { checkSelector, isBroadSelector } from "../../../../src/core/html/selector.ts";
import {
  MALFORMED_SELECTORS,
  SUPPORTED_SELECTORS,
  UNSUPPORTED_SELECTORS,
} from "../../../fixtures/selectors.ts";

describe("selector check (HTMLRewriter's supported subset)", () => {
  it.each(SUPPORTED_SELECTORS)("accepts %s", (selector) => {
    expect(checkSelector(selector)).toBeUndefined();
  });

  it.each([...UNSUPPORTED_SELECTORS, ...MALFORMED_SELECTORS])("refuses %s", (selector, message) => {
    expect(checkSelector(selector)?.message).toMatch(message);
  });

  it("flags tag-only selectors as broad, but not ids, classes or unique document parts", () => {
    expect(isBroadSelector("div")).toBe(true);
    expect(isBroadSelector("#grid p")).toBe(true);
    expect(isBroadSelector("#hero h1")).toBe(false);
    expect(isBroadSelector(".price")).toBe(false);
    expect(isBroadSelector("head")).toBe(false);
  });
});
