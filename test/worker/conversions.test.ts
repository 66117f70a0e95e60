import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { signServerEvent } from "../../src/core/signing/server-signature.ts";
import { kvRuleStore } from "../../src/rules/store.ts";
import { pushRules } from "../../src/rules/versions.ts";
import { heroExperiment } from "../fixtures/experiments.ts";
import { freshVisitor, storedConversions, visit, visitorCookie, visitorIdOf } from "./helpers.ts";

const SERVER_SECRET = "server-secret-0123456789abcdef";

function postEvent(body: unknown, options: { cookie?: string; type?: string; raw?: string } = {}) {
  return visit("/_stylist/event", {
    method: "POST",
    cookie: options.cookie,
    body: options.raw ?? JSON.stringify(body),
    headers: { "content-type": options.type ?? "application/json", referer: "https://shop.example/basket" },
  });
}

async function postServer(body: unknown, signature?: string) {
  const text = JSON.stringify(body);
  return visit("/_stylist/event/server", {
    method: "POST",
    body: text,
    headers: {
      "content-type": "application/json",
      "x-stylist-signature": signature ?? (await signServerEvent(text, SERVER_SECRET, Date.now())),
    },
  });
}

beforeEach(async () => {
  await pushRules(
    kvRuleStore(env.RULES),
    {
      experiments: [heroExperiment()],
      settings: {
        goals: [{ id: "add_to_basket" }, { id: "checkout_complete", pages: ["/home"] }],
        redirectHosts: [],
      },
    },
    { author: "test", message: "goals" },
  );
});

describe("conversion events from the storefront's pages", () => {
  it("records a goal for the visitor in the signed cookie and answers 204", async () => {
    const cookie = await freshVisitor();
    const response = await postEvent({ goal: "add_to_basket" }, { cookie });
    expect(response.status).toBe(204);
    const [row] = await storedConversions(visitorIdOf(cookie), 1);
    expect(row).toMatchObject({ goal: "add_to_basket", path: "/basket", device: "desktop", value: null });
  });

  it("accepts sendBeacon's text/plain body", async () => {
    const cookie = await freshVisitor();
    expect(
      (await postEvent({ goal: "add_to_basket" }, { cookie, type: "text/plain;charset=UTF-8" })).status,
    ).toBe(204);
  });

  it.each<[string, Parameters<typeof postEvent>, number, RegExp]>([
    ["no visitor cookie", [{ goal: "add_to_basket" }], 400, /no valid visitor cookie/],
    [
      "a tampered cookie",
      [{ goal: "add_to_basket" }, { cookie: `stylist_vid=v1.${"a".repeat(32)}.1.${"x".repeat(22)}` }],
      400,
      /no valid visitor cookie/,
    ],
    ["an unknown goal", [{ goal: "signup" }], 400, /"signup" is not an event goal/],
    ["a URL goal posted as an event", [{ goal: "checkout_complete" }], 400, /not an event goal/],
    ["a value without currency", [{ goal: "purchase", value: 1999 }], 400, /a value needs its currency/],
    ["a fractional value", [{ goal: "purchase", value: 19.99, currency: "GBP" }], 400, /minor units/],
    ["an unknown field", [{ goal: "add_to_basket", email: "a@b.c" }], 400, /Unrecognized key/],
    ["broken JSON", [null, { raw: "{goal:" }], 400, /not valid JSON/],
    ["a form post", [null, { raw: "goal=x", type: "application/x-www-form-urlencoded" }], 415, /send JSON/],
    [
      "a body over 4 KB",
      [null, { raw: JSON.stringify({ goal: "a", orderId: "x".repeat(5_000) }) }],
      413,
      /larger than 4096/,
    ],
  ])("refuses %s with a clear message", async (_name, args, status, message) => {
    const cookie = await freshVisitor();
    const [body, options] = args;
    const response = await postEvent(body, { cookie, ...options });
    if (_name === "no visitor cookie") {
      const anonymous = await postEvent(body);
      expect(anonymous.status).toBe(status);
      expect((await anonymous.json<{ error: string }>()).error).toMatch(message);
      return;
    }
    expect(response.status).toBe(status);
    expect((await response.json<{ error: string }>()).error).toMatch(message);
  });
});

describe("signed conversion events from the shop's backend", () => {
  it("records a purchase with revenue, and the same order reported twice counts once", async () => {
    const visitor = visitorIdOf(await freshVisitor());
    const order = {
      visitor,
      goal: "purchase",
      value: 12_999,
      currency: "GBP",
      orderId: `FS-${crypto.randomUUID()}`,
    };
    expect((await postServer(order)).status).toBe(204);
    expect((await postServer(order)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const rows = await storedConversions(visitor, 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ goal: "purchase", value: 12_999, currency: "GBP", device: null });
  });

  it.each([
    ["missing", undefined, ""],
    ["malformed", "sha256=abc", "malformed"],
    ["signed with another key", "other", "invalid"],
    ["stale", "stale", "stale"],
  ])("refuses a %s signature with 401", async (_name, kind, word) => {
    const body = { visitor: "a".repeat(32), goal: "purchase" };
    const text = JSON.stringify(body);
    const signature =
      kind === "other"
        ? await signServerEvent(text, "another-secret-0123456789", Date.now())
        : kind === "stale"
          ? await signServerEvent(text, SERVER_SECRET, Date.now() - 3_600_000)
          : kind;
    const response = await visit("/_stylist/event/server", {
      method: "POST",
      body: text,
      headers: {
        "content-type": "application/json",
        ...(signature ? { "x-stylist-signature": signature } : {}),
      },
    });
    expect(response.status).toBe(401);
    expect((await response.json<{ error: string }>()).error).toMatch(
      new RegExp(`signature ${word || "missing"}`),
    );
  });
});

describe("URL goals", () => {
  it("are recorded by the worker when a visitor loads a goal page, in the same send as exposures", async () => {
    const first = await visit("/");
    const cookie = visitorCookie(first);
    await first.text();
    await (await visit("/home", { cookie })).text();
    const [row] = await storedConversions(visitorIdOf(cookie), 1);
    expect(row).toMatchObject({ goal: "checkout_complete", path: "/home" });
  });
});
