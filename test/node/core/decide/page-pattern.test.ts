import { describe, expect, it } from "vitest";
import { checkPagePattern, compilePagePattern } from "../../../../src/core/decide/page-pattern.ts";

describe("page patterns", () => {
  it("matches the home page exactly", () => {
    const home = compilePagePattern("/");
    expect(home.test("/")).toBe(true);
    expect(home.test("/products")).toBe(false);
  });

  it("matches one segment with * and any rest with **", () => {
    expect(compilePagePattern("/products/*").test("/products/boot")).toBe(true);
    expect(compilePagePattern("/products/*").test("/products/boot/reviews")).toBe(false);
    expect(compilePagePattern("/products/*").test("/products/")).toBe(false);
    expect(compilePagePattern("/products/**").test("/products/boot/reviews")).toBe(true);
    expect(compilePagePattern("/category/*/sale").test("/category/boots/sale")).toBe(true);
  });

  it("treats regular-expression characters literally and tolerates a trailing slash", () => {
    expect(compilePagePattern("/a.b").test("/axb")).toBe(false);
    expect(compilePagePattern("/basket").test("/basket/")).toBe(true);
  });

  it("explains malformed patterns", () => {
    expect(checkPagePattern("products/*")).toMatch(/starts with \//);
    expect(checkPagePattern("/search?q=*")).toMatch(/path only/);
    expect(checkPagePattern("/***")).toMatch(/\*\*/);
    expect(checkPagePattern("/products/**")).toBeUndefined();
  });
});
