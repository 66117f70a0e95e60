import { beforeEach, describe, expect, it } from "vitest";
import { ExperimentSchema } from "../../src/core/schema/experiment.ts";
import { publish, visit } from "./helpers.ts";

/**
 * Header injection: CR/LF and other control characters in query values that reach templates, cookies and redirects
 * must never end a header line. Every response header stays single-valued and clean, and the only cookies set are
 * Stylist's own, signed ones.
 */
const TEMPLATED = ExperimentSchema.parse({
  id: "header-greeting",
  hypothesis: "Greeting visitors by their campaign lifts progression to product pages",
  status: "running",
  pages: ["/", "/landing"],
  variants: [
    { id: "control", weight: 0 },
    {
      id: "greet",
      weight: 100,
      ops: [
        { op: "setText", selector: "#hero h1", value: "Hello {{utm.source|friend}}" },
        { op: "setAttribute", selector: ".price", name: "data-campaign", value: "{{utm.campaign|none}}" },
      ],
    },
  ],
  metrics: { primary: "purchase" },
});

const INJECTIONS = [
  "%0d%0aSet-Cookie:%20evil=1",
  "%0aX-Injected:%201",
  "%0d%0a%0d%0a<html>injected",
  "%E5%98%8A%E5%98%8DSet-Cookie:%20evil=1",
  "%00X-Injected:%201",
  "%c0%8d%c0%8aX-Injected:%201",
];

function expectCleanHeaders(response: Response): void {
  for (const [name, value] of response.headers) {
    expect(name).toMatch(/^[a-z0-9-]+$/);
    expect(value).not.toMatch(/[\r\n\0]/);
  }
  expect(response.headers.get("x-injected")).toBeNull();
  for (const cookie of response.headers.getSetCookie())
    expect(cookie).toMatch(/^stylist_[a-z]+=[\w.-]+; Path=\//);
  expect(response.headers.getSetCookie().filter((cookie) => cookie.startsWith("stylist_vid="))).toHaveLength(
    1,
  );
}

beforeEach(async () => {
  await publish([TEMPLATED]);
});

describe("header injection through the query string", () => {
  it.each(INJECTIONS)("keeps every header clean when a templated UTM value is %s", async (injection) => {
    const response = await visit(`/?utm_source=${injection}&utm_campaign=${injection}`);
    const body = await response.text();
    expect(response.status).toBe(200);
    expectCleanHeaders(response);
    expect(body).toContain("<h1>Hello ");
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
  });

  it("keeps exactly one Cache-Control and one Content-Type on a personalised page", async () => {
    const response = await visit("/?utm_source=%0d%0aCache-Control:%20public");
    await response.text();
    expect(response.headers.get("cache-control")).toBe("private, no-cache");
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
  });

  it("keeps every header clean on a page the worker passes through", async () => {
    const response = await visit(`/not-found?x=${INJECTIONS[0]}`);
    await response.text();
    expect(response.status).toBe(404);
    for (const [, value] of response.headers) expect(value).not.toMatch(/[\r\n\0]/);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe("headers the visitor sends", () => {
  it("overwrites a spoofed X-Forwarded-Host before it reaches the origin", async () => {
    const response = await visit("/echo", {
      method: "POST",
      body: "x",
      headers: { "x-forwarded-host": "evil.example" },
    });
    expect(((await response.json()) as { forwardedHost: string }).forwardedHost).toBe("shop.example");
  });

  it.each([
    ["a Referer that is not a URL", { referer: "not a url at all" }],
    ["a javascript: Referer", { referer: "javascript:alert(1)//https://www.google.com/" }],
    ["an 8 KB Referer", { referer: `https://www.google.com/${"a".repeat(8_000)}` }],
    ["an 8 KB User-Agent", { "user-agent": `Mozilla/5.0 ${"(x) ".repeat(1_600)}` }],
    ["a garbage Accept-Language", { "accept-language": ";q=;;,,*-*-*;q=NaN,<script>" }],
    ["a garbage Sec-CH-UA-Mobile", { "sec-ch-ua-mobile": "?maybe" }],
  ])("personalises as usual with %s", async (_name, headers) => {
    const response = await visit("/?utm_source=ads", { headers });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<h1>Hello ads</h1>");
    expectCleanHeaders(response);
  });

  it("ignores a client-sent Set-Cookie or Location header on the request", async () => {
    const response = await visit("/", {
      headers: { "set-cookie": "evil=1", location: "https://evil.example/" },
    });
    await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get("location")).toBeNull();
    expectCleanHeaders(response);
  });
});
