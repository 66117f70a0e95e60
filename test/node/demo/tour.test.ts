import { describe, expect, it } from "vitest";
import { tour } from "../../../demo/tour.ts";

describe("the demo's tour", () => {
  it("writes its cookie jar and pages only under the git-ignored .tmp/", () => {
    const text = tour({
      proxyUrl: "http://127.0.0.1:8787",
      originUrl: "http://127.0.0.1:8788",
      pushedVersion: 1,
      stop: async () => {},
    });
    const written = [...text.matchAll(/(?:-c|>)\s+(?!\/dev\/null)(\S+)/g)].map((match) => match[1]);
    expect(written.length).toBeGreaterThan(0);
    for (const file of written) expect(file).toMatch(/^\.tmp\//);
  });
});
