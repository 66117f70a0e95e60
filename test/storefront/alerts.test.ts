import { describe, expect, it } from "vitest";
import { ALERTS_PATH, startStorefront } from "../../demo/storefront/server.ts";

describe("the demo storefront's alert endpoint", () => {
  it("hands the autopilot's Slack-compatible alert text to onAlert", async () => {
    const alerts: string[] = [];
    const shop = await startStorefront({ port: 0, onAlert: (text) => alerts.push(text) });
    try {
      const response = await fetch(`${shop.url}${ALERTS_PATH}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "Stylist autopilot: hero paused" }),
      });
      expect(response.status).toBe(204);
      expect(alerts).toEqual(["Stylist autopilot: hero paused"]);
    } finally {
      await shop.close();
    }
  });
});
