import { beforeEach, describe, expect, it } from "vitest";
import { heroExperiment } from "../fixtures/experiments.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { cookieJar, publish, visit } from "./helpers.ts";

describe("personalised pages", () => {
  beforeEach(async () => {
    await publish([heroExperiment()]);
  });

  it("serves each new visitor one arm: the variant rewritten, the control byte-identical to the origin", async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 30; i++) bodies.add(await (await visit("/")).text());
    expect(bodies.size).toBe(2);
    expect(bodies).toContain(HOME_HTML);
    expect([...bodies].find((body) => body !== HOME_HTML)).toContain("<h1>Tested on the fells</h1>");
  });

  it("keeps a returning cookie in the same arm on every request", async () => {
    const first = await visit("/");
    const cookie = cookieJar(first);
    const body = await first.text();
    for (let i = 0; i < 10; i++) {
      const again = await visit("/", { cookie });
      expect(await again.text()).toBe(body);
      expect(again.headers.get("set-cookie")).toBeNull();
    }
  });
});
