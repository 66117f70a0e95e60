import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { kvRuleStore } from "../../src/rules/store.ts";
import { pushRules } from "../../src/rules/versions.ts";
import { heroExperiment } from "../fixtures/experiments.ts";
import { visit, visitorCookie } from "./helpers.ts";

const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.1234.5 Safari/537.36";

describe("what events never hold", () => {
  it("stores no IP address, user agent, query string or anything the visitor typed", async () => {
    await pushRules(
      kvRuleStore(env.RULES),
      { experiments: [heroExperiment()], settings: { goals: [{ id: "landing", pages: ["/"] }] } },
      { author: "test", message: "personal data" },
    );
    const response = await visit("/?email=jo%40example.com&q=my+secret+search&utm_source=Newsletter", {
      headers: {
        "user-agent": USER_AGENT,
        "cf-connecting-ip": "203.0.113.7",
        "x-forwarded-for": "198.51.100.9",
      },
    });
    await response.text();
    const visitor = visitorCookie(response).split(".")[1] as string;
    const deadline = Date.now() + 8_000;
    let rows: unknown[] = [];
    while (Date.now() < deadline) {
      const exposures = (await env.DB.prepare("SELECT * FROM events WHERE visitor = ?").bind(visitor).all())
        .results;
      const conversions = (
        await env.DB.prepare("SELECT * FROM conversions WHERE visitor = ?").bind(visitor).all()
      ).results;
      rows = [...exposures, ...conversions];
      if (exposures.length > 0 && conversions.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const stored = JSON.stringify(rows);
    for (const secret of [
      "jo@example.com",
      "jo%40example.com",
      "my secret search",
      "my+secret+search",
      "203.0.113.7",
      "198.51.100.9",
      "Chrome/126",
      "email=",
    ]) {
      expect(stored).not.toContain(secret);
    }
    expect(stored).toContain('"path":"/"');
    expect(stored).toContain('"source":"newsletter"');
  });
});
