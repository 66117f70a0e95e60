import { describe, expect, it } from "vitest";
import { repeatedFlag } from "../../../src/cli/repeated-flag.ts";

describe("repeatable CLI flags", () => {
  it("keeps every occurrence, in order, in both spellings, and stops at --", () => {
    const raw = [
      "--url",
      "x",
      "--cookie",
      "a=1",
      "--cookie=b=2",
      "--header",
      "H: v",
      "--cookie",
      "c=3",
      "--",
      "--cookie",
      "d",
    ];
    expect(repeatedFlag(raw, "cookie")).toEqual(["a=1", "b=2", "c=3"]);
    expect(repeatedFlag(raw, "header")).toEqual(["H: v"]);
    expect(repeatedFlag(raw, "viewed")).toEqual([]);
  });
});
