import { beforeEach, describe, expect, it } from "vitest";
import { heroExperiment } from "../fixtures/experiments.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { publish, visit } from "./helpers.ts";

describe("requests Stylist must not personalise", () => {
  beforeEach(async () => {
    await publish([heroExperiment({ pages: ["/**"] })]);
  });

  it("passes a stylesheet through byte for byte, without a cookie", async () => {
    const response = await visit("/site.css");
    expect(await response.text()).toBe("#hero h1 { color: green; }");
    expect(response.headers.get("content-type")).toBe("text/css");
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("passes JSON through even when it contains HTML-looking text", async () => {
    expect(await (await visit("/data.json")).text()).toBe('{"hero":"<h1>"}');
  });

  it("forwards a POST with its body and cookies to the origin", async () => {
    const response = await visit("/echo", { method: "POST", body: "qty=2", cookie: "basket=abc" });
    expect(await response.json()).toEqual({
      method: "POST",
      body: "qty=2",
      forwardedHost: "shop.example",
      cookie: "basket=abc",
    });
  });

  it("answers HEAD with the origin's headers and no body", async () => {
    const response = await visit("/", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("passes an origin error page through untouched, status and body", async () => {
    const response = await visit("/error");
    expect(response.status).toBe(500);
    expect(await response.text()).toBe(HOME_HTML);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("passes a 404 page through untouched", async () => {
    const response = await visit("/not-found");
    expect(response.status).toBe(404);
    expect(await response.text()).toBe(HOME_HTML);
  });

  it("passes a 304 Not Modified through", async () => {
    const response = await visit("/", { headers: { "if-none-match": '"home-v1"' } });
    expect(response.status).toBe(304);
  });

  it("does not rewrite a Range request", async () => {
    const response = await visit("/", { headers: { range: "bytes=0-" } });
    expect(await response.text()).toBe(HOME_HTML);
  });

  it("hands a redirect to the browser, pointing origin-host locations back at the storefront", async () => {
    const response = await visit("/moved");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://shop.example/home?from=moved");
  });

  it("serves its own health endpoint without touching the origin", async () => {
    const response = await visit("/_stylist/health");
    expect(await response.json()).toEqual({ ok: true });
    expect((await visit("/_stylist/unknown")).status).toBe(404);
  });
});
