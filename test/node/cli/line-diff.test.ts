import { describe, expect, it } from "vitest";
import { lineDiff } from "../../../src/cli/line-diff.ts";

describe("line diff for simulate", () => {
  it("is empty for identical pages", () => {
    expect(lineDiff("a\nb\nc", "a\nb\nc")).toEqual([]);
  });

  it("shows removed then added lines with context around the change", () => {
    expect(lineDiff("1\n2\n3\nold\n5\n6\n7", "1\n2\n3\nnew\n5\n6\n7")).toEqual([
      "@@ line 4 @@",
      "  2",
      "  3",
      "- old",
      "+ new",
      "  5",
      "  6",
    ]);
  });

  it("keeps unchanged lines between two separate edits", () => {
    expect(lineDiff("a\nx\nb\ny\nc", "a\nX\nb\nY\nc")).toEqual([
      "@@ line 2 @@",
      "  a",
      "- x",
      "+ X",
      "  b",
      "- y",
      "+ Y",
      "  c",
    ]);
  });

  it("shows pure insertions", () => {
    expect(lineDiff("a\nb", "a\ninserted\nb")).toEqual(["@@ line 2 @@", "  a", "+ inserted", "  b"]);
  });

  it("shows two far-apart edits of a long page as two hunks, each headed by its own line", () => {
    const lines = Array.from({ length: 8_000 }, (_, i) => `<li>item ${i}</li>`);
    const edited = ["<li>first</li>", ...lines.slice(1, -1), "<li>last</li>"];
    expect(lineDiff(lines.join("\n"), edited.join("\n"))).toEqual([
      "@@ line 1 @@",
      "- <li>item 0</li>",
      "+ <li>first</li>",
      "  <li>item 1</li>",
      "  <li>item 2</li>",
      "@@ line 8000 @@",
      "  <li>item 7997</li>",
      "  <li>item 7998</li>",
      "- <li>item 7999</li>",
      "+ <li>last</li>",
    ]);
  });
});
