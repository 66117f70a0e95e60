import { describe, expect, it } from "vitest";
import { heroExperiment } from "../fixtures/experiments.ts";
import { cookieJar, freshVisitor, publish, visit, visitorCookie } from "./helpers.ts";

describe("headers on personalised pages", () => {
  it("drops Content-Length and the strong ETag and marks the page private", async () => {
    await publish([heroExperiment()]);
    const response = await visit("/");
    expect(response.headers.get("content-length")).toBeNull();
    expect(response.headers.get("etag")).toBeNull();
    expect(response.headers.get("cache-control")).toBe("private, no-cache");
  });

  it("sets the visitor and profile cookies once, HttpOnly, Secure and SameSite=Lax", async () => {
    await publish([heroExperiment()]);
    const response = await visit("/");
    const [identity, profile] = response.headers.getSetCookie();
    expect(identity).toMatch(
      /^stylist_vid=v1\.[0-9a-f]{32}\.\d+\.[\w-]{22}; Path=\/; Max-Age=34560000; Secure; SameSite=Lax; HttpOnly$/,
    );
    expect(profile).toMatch(
      /^stylist_p=[\w-]+\.[\w-]{22}; Path=\/; Max-Age=7776000; Secure; SameSite=Lax; HttpOnly$/,
    );
    const again = await visit("/", { cookie: cookieJar(response) });
    expect(again.headers.get("set-cookie")).toBeNull();
  });

  it("mints a new identity when the cookie was tampered with", async () => {
    await publish([heroExperiment()]);
    const cookie = await freshVisitor();
    const tampered = cookie.replace(/\.([0-9a-f])/, (_m, c: string) => `.${c === "a" ? "b" : "a"}`);
    const response = await visit("/", { cookie: tampered });
    const fresh = visitorCookie(response);
    expect(fresh).not.toBe(cookie);
    expect(fresh).not.toBe(tampered);
  });

  it("ignores a client-supplied variant cookie or header", async () => {
    await publish([heroExperiment()]);
    const cookie = await freshVisitor();
    const body = await (await visit("/", { cookie })).text();
    const forced = await visit("/", {
      cookie: `${cookie}; stylist_variant=promise; hero-headline=control`,
      headers: { "x-stylist-variant": "promise" },
    });
    expect(await forced.text()).toBe(body);
  });
});

describe("Server-Timing", () => {
  it("is added only when SERVER_TIMING is 1", async () => {
    const { env } = await import("cloudflare:test");
    const { default: worker } = await import("../../src/worker/index.ts");
    const { createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
    await publish([heroExperiment()]);
    const fetchWith = async (SERVER_TIMING?: string) => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request("https://shop.example/"),
        { ...env, SERVER_TIMING },
        ctx,
      );
      await response.text();
      await waitOnExecutionContext(ctx);
      return response.headers.get("server-timing");
    };
    expect(await fetchWith()).toBeNull();
    expect(await fetchWith("1")).toMatch(
      /^stylist;desc="after origin";dur=\d+(\.\d)?, stylist-origin;desc="origin headers";dur=\d+(\.\d)?$/,
    );
  });
});
