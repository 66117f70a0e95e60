import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { signServerEvent } from "../../src/core/signing/server-signature.ts";
import { encodeIdentity } from "../../src/core/visitor/identity.ts";
import { pushRules } from "../../src/rules/versions.ts";
import worker from "../../src/worker/index.ts";
import { heroExperiment } from "../fixtures/experiments.ts";
import { rulesStore, visit } from "./helpers.ts";

/**
 * Hostile bodies on the two conversion endpoints (docs/events.md): oversized, malformed, mislabelled, not UTF-8,
 * duplicated. Each is refused with the documented status and stores nothing; a duplicate stores once.
 */
const SERVER_SECRET = "server-secret-0123456789abcdef";

async function visitor(): Promise<{ id: string; cookie: string }> {
  const id = crypto.randomUUID().replaceAll("-", "");
  const value = await encodeIdentity(
    { id, firstSeen: Math.floor(Date.now() / 1000), minted: false },
    env.VISITOR_SECRET,
  );
  return { id, cookie: `stylist_vid=${value}` };
}

async function post(path: string, body: BodyInit | null, headers: Record<string, string>): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://shop.example${path}`, { method: "POST", body, headers }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

const browser = (body: BodyInit | null, cookie: string, type = "application/json") =>
  post("/_stylist/event", body, { "content-type": type, cookie, referer: "https://shop.example/basket" });

async function server(text: string, signature?: string, type = "application/json") {
  return post("/_stylist/event/server", text, {
    "content-type": type,
    "x-stylist-signature": signature ?? (await signServerEvent(text, SERVER_SECRET, Date.now())),
  });
}

async function conversionsOf(id: string) {
  return (await env.DB.prepare("SELECT * FROM conversions WHERE visitor = ?").bind(id).all()).results;
}

/** Posts one good event as a sentinel, waits for it, and returns every conversion stored for the visitor. */
async function storedAfterSentinel(who: { id: string; cookie: string }) {
  expect((await browser(JSON.stringify({ goal: "sentinel" }), who.cookie)).status).toBe(204);
  const deadline = Date.now() + 8_000;
  while (!(await conversionsOf(who.id)).some((row) => row.goal === "sentinel") && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  return (await conversionsOf(who.id)).filter((row) => row.goal !== "sentinel");
}

const bytes = (...values: number[]) => new Uint8Array(values);
const utf8 = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};
const utf16le = (text: string) => new Uint8Array(Uint16Array.from(text, (char) => char.charCodeAt(0)).buffer);

beforeEach(async () => {
  await pushRules(
    rulesStore(),
    {
      experiments: [heroExperiment()],
      settings: { goals: [{ id: "add_to_basket" }, { id: "sentinel" }], redirectHosts: [] },
    },
    { author: "test", message: "event goals" },
  );
});

const REFUSED_BROWSER_BODIES: Array<[string, () => BodyInit, string, number]> = [
  [
    "a 4,097-byte body",
    () => `${JSON.stringify({ goal: "add_to_basket" })}${" ".repeat(4_097)}`,
    "application/json",
    413,
  ],
  ["a 100 KB body", () => "x".repeat(100 * 1024), "application/json", 413],
  [
    "invalid UTF-8",
    () => concat(utf8('{"goal":"add_to_basket","orderId":"'), bytes(0xff, 0xfe), utf8('"}')),
    "application/json",
    400,
  ],
  [
    "a lone UTF-8 continuation byte",
    () => concat(utf8('{"goal":"add_'), bytes(0x80), utf8('to_basket"}')),
    "text/plain",
    400,
  ],
  [
    "UTF-16 JSON",
    () => concat(bytes(0xff, 0xfe), utf16le('{"goal":"add_to_basket"}')),
    "application/json",
    400,
  ],
  ["an empty body", () => "", "application/json", 400],
  ["broken JSON", () => '{"goal":', "application/json", 400],
  ["JSON null", () => "null", "application/json", 400],
  ["a JSON array", () => '[{"goal":"add_to_basket"}]', "application/json", 400],
  ["JSON nested 1,000 deep", () => `${"[".repeat(1_000)}${"]".repeat(1_000)}`, "application/json", 400],
  [
    "a number too big to be finite",
    () => '{"goal":"add_to_basket","value":1e400,"currency":"GBP"}',
    "application/json",
    400,
  ],
  [
    "a negative value",
    () => '{"goal":"add_to_basket","value":-100,"currency":"GBP"}',
    "application/json",
    400,
  ],
  [
    "a value as a string",
    () => '{"goal":"add_to_basket","value":"100","currency":"GBP"}',
    "application/json",
    400,
  ],
  [
    "another visitor's id in the body",
    () => `{"goal":"add_to_basket","visitor":"${"a".repeat(32)}"}`,
    "application/json",
    400,
  ],
  ["a __proto__ key", () => '{"goal":"add_to_basket","__proto__":{"admin":true}}', "application/json", 400],
  ["markup in the goal", () => '{"goal":"<script>alert(1)</script>"}', "application/json", 400],
  ["an id that is not a UUID", () => '{"goal":"add_to_basket","id":"1 OR 1=1"}', "application/json", 400],
  ...(
    [
      ["an ESC sequence", "\u001b[2J\u001b]0;pwned\u0007"],
      ["a BEL", "FS-1\u0007"],
      ["a NUL", "FS\u00001"],
      ["a right-to-left override", "FS-1\u202e2-SF"],
      ["a C1 control", "FS\u009b2J"],
    ] as const
  ).map(([name, orderId]): [string, () => BodyInit, string, number] => [
    `${name} in the order id`,
    () => JSON.stringify({ goal: "add_to_basket", orderId }),
    "application/json",
    400,
  ]),
  ["a form post", () => "goal=add_to_basket", "application/x-www-form-urlencoded", 415],
  ["application/json-seq", () => '{"goal":"add_to_basket"}', "application/json-seq", 415],
  ["text/plain-ish", () => '{"goal":"add_to_basket"}', "text/plainx", 415],
  ["application/json5", () => '{"goal":"add_to_basket"}', "application/json5", 415],
  ["JSON declared as UTF-16", () => '{"goal":"add_to_basket"}', "application/json; charset=utf-16", 415],
  ...["ABC", "XXX", "XAU", "XTS", "gbp", "GBPX", "HRK"].map(
    (currency): [string, () => BodyInit, string, number] => [
      `the currency ${currency}, not an ISO 4217 currency`,
      () => JSON.stringify({ goal: "add_to_basket", value: 100, currency }),
      "application/json",
      400,
    ],
  ),
  [
    "multipart",
    () => '--x\r\nContent-Disposition: form-data; name="goal"\r\n\r\nadd_to_basket\r\n--x--',
    "multipart/form-data; boundary=x",
    415,
  ],
  ["text/html", () => '{"goal":"add_to_basket"}', "text/html", 415],
  ["JSONP's type", () => '{"goal":"add_to_basket"}', "application/jsonp", 415],
  ["no content type", () => '{"goal":"add_to_basket"}', "", 415],
];

describe("hostile bodies on POST /_stylist/event", () => {
  it.each(REFUSED_BROWSER_BODIES)("refuses %s with a JSON error", async (_name, body, type, status) => {
    const who = await visitor();
    const response = await browser(body(), who.cookie, type);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toHaveProperty("error");
  });

  it("stores nothing for any of the refused bodies above", async () => {
    const who = await visitor();
    for (const [, body, type] of REFUSED_BROWSER_BODIES) await browser(body(), who.cookie, type);
    expect(await storedAfterSentinel(who)).toEqual([]);
  });

  it("stores nothing from a visitor who objected (Sec-GPC, the objection cookie) or from a bot", async () => {
    const who = await visitor();
    const body = JSON.stringify({ goal: "add_to_basket" });
    const refusals: Array<Record<string, string>> = [
      { "sec-gpc": "1" },
      { cookie: `${who.cookie}; stylist_objection=1` },
      { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" },
    ];
    for (const headers of refusals) {
      const response = await post("/_stylist/event", body, {
        "content-type": "application/json",
        cookie: who.cookie,
        ...headers,
      });
      expect(response.status).toBeLessThan(500);
    }
    expect(await storedAfterSentinel(who)).toEqual([]);
  });

  it("stores nothing, and never fails, when a required consent cookie is broken percent-encoding", async () => {
    await pushRules(
      rulesStore(),
      {
        experiments: [heroExperiment()],
        settings: {
          goals: [{ id: "add_to_basket" }, { id: "sentinel" }],
          consent: { mode: "required", cookie: "cc" },
        },
      },
      { author: "test", message: "consent required" },
    );
    const who = await visitor();
    for (const value of ["%E0%A4%A", "%", "yes%zz"]) {
      const response = await browser(JSON.stringify({ goal: "add_to_basket" }), `${who.cookie}; cc=${value}`);
      expect(response.status).toBeLessThan(500);
    }
    // The sentinel needs consent too, now.
    expect((await browser(JSON.stringify({ goal: "sentinel" }), `${who.cookie}; cc=yes`)).status).toBe(204);
    const deadline = Date.now() + 8_000;
    while (!(await conversionsOf(who.id)).some((row) => row.goal === "sentinel") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await conversionsOf(who.id)).map((row) => row.goal)).toEqual(["sentinel"]);
  });

  it("refuses a streamed body without Content-Length once it passes 4,096 bytes", async () => {
    const who = await visitor();
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1_024;
        controller.enqueue(utf8(" ".repeat(1_024)));
        if (sent >= 64 * 1_024) controller.close();
      },
    });
    const response = await browser(stream, who.cookie);
    expect(response.status).toBe(413);
    // The reader stopped early instead of buffering the whole stream.
    expect(sent).toBeLessThan(64 * 1_024);
  });

  it.each(["text/plain;charset=UTF-8", "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain"])(
    "accepts a body sent as %s, with a real currency",
    async (type) => {
      const who = await visitor();
      const body = JSON.stringify({ goal: "add_to_basket", value: 1_000, currency: "JPY" });
      expect((await browser(body, who.cookie, type)).status).toBe(204);
    },
  );

  it("accepts a UTF-8 byte-order mark, as JSON.parse would after decoding", async () => {
    const who = await visitor();
    const response = await browser(
      concat(bytes(0xef, 0xbb, 0xbf), utf8('{"goal":"add_to_basket"}')),
      who.cookie,
    );
    expect(response.status).toBe(204);
  });

  it("takes the last of duplicated JSON keys, like every JSON.parse, and stores one event", async () => {
    const who = await visitor();
    const response = await browser('{"goal":"sentinel","goal":"add_to_basket"}', who.cookie);
    expect(response.status).toBe(204);
    expect((await storedAfterSentinel(who)).map((row) => row.goal)).toEqual(["add_to_basket"]);
  });

  it("stores a body posted twice with the same id once", async () => {
    const who = await visitor();
    const body = JSON.stringify({ goal: "add_to_basket", id: crypto.randomUUID() });
    expect((await browser(body, who.cookie)).status).toBe(204);
    expect((await browser(body, who.cookie)).status).toBe(204);
    expect(await storedAfterSentinel(who)).toHaveLength(1);
  });

  it("stores an order reported twice with different event ids once", async () => {
    const who = await visitor();
    const orderId = `FS-${crypto.randomUUID()}`;
    for (let i = 0; i < 2; i++) {
      const body = JSON.stringify({ goal: "add_to_basket", orderId, value: 100, currency: "GBP" });
      expect((await browser(body, who.cookie)).status).toBe(204);
    }
    expect(await storedAfterSentinel(who)).toHaveLength(1);
  });

  it("answers GET on the endpoint with a JSON 404, without reaching the origin", async () => {
    const response = await visit("/_stylist/event");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not found" });
  });
});

describe("hostile requests to POST /_stylist/event/server", () => {
  const event = (id: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ visitor: id, goal: "add_to_basket", ...extra });

  const forged: Array<[string, (body: string) => Promise<string>]> = [
    ["a signature from the future", (body) => signServerEvent(body, SERVER_SECRET, Date.now() + 3_600_000)],
    ["a signature for another body", (body) => signServerEvent(`${body} `, SERVER_SECRET, Date.now())],
    [
      "a signature made with the visitor secret",
      (body) => signServerEvent(body, env.VISITOR_SECRET, Date.now()),
    ],
    [
      "two signatures in one header",
      async (body) => `${await signServerEvent(body, SERVER_SECRET, Date.now())}, t=1,v1=${"A".repeat(22)}`,
    ],
    [
      "a signature with spaces inside",
      async (body) => (await signServerEvent(body, SERVER_SECRET, Date.now())).replace(",", ", "),
    ],
  ];

  it.each(forged)("refuses %s with 401", async (_name, sign) => {
    const body = event((await visitor()).id);
    const response = await server(body, await sign(body));
    expect(response.status).toBe(401);
  });

  it("stores nothing for any of the forged signatures above", async () => {
    const who = await visitor();
    for (const [, sign] of forged) {
      const body = event(who.id);
      await server(body, await sign(body));
    }
    expect(await storedAfterSentinel(who)).toEqual([]);
  });

  it("refuses an oversized body before it checks the signature", async () => {
    const who = await visitor();
    const response = await server(event(who.id, { path: `/${"x".repeat(5_000)}` }));
    expect(response.status).toBe(413);
    expect(await storedAfterSentinel(who)).toEqual([]);
  });

  it("refuses a correctly signed body that is not UTF-8", async () => {
    const who = await visitor();
    const response = await post(
      "/_stylist/event/server",
      concat(utf8(event(who.id).slice(0, -1)), bytes(0xff), utf8("}")),
      {
        "content-type": "application/json",
        "x-stylist-signature": await signServerEvent(event(who.id), SERVER_SECRET, Date.now()),
      },
    );
    expect(response.status).toBe(400);
    expect(await storedAfterSentinel(who)).toEqual([]);
  });

  it("stores a replayed, signed order once", async () => {
    const who = await visitor();
    const body = event(who.id, { orderId: `FS-${crypto.randomUUID()}`, value: 999, currency: "GBP" });
    const signature = await signServerEvent(body, SERVER_SECRET, Date.now());
    for (let i = 0; i < 3; i++) expect((await server(body, signature)).status).toBe(204);
    expect(await storedAfterSentinel(who)).toHaveLength(1);
  });

  it("refuses a signed event whose path or order id carries control characters, and stores nothing", async () => {
    const who = await visitor();
    for (const extra of [{ path: "/checkout\u001b[2J" }, { orderId: "FS-\u202e1" }, { path: "/\u0000" }]) {
      const response = await server(event(who.id, { id: crypto.randomUUID(), ...extra }));
      expect(response.status).toBe(400);
    }
    expect(await storedAfterSentinel(who)).toEqual([]);
  });

  it("answers 503 and stores nothing when SERVER_EVENTS_SECRET is too short to trust", async () => {
    const who = await visitor();
    const body = event(who.id);
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("https://shop.example/_stylist/event/server", {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "x-stylist-signature": await signServerEvent(body, "short", Date.now()),
        },
      }),
      { ...env, SERVER_EVENTS_SECRET: "short" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(await storedAfterSentinel(who)).toEqual([]);
  });
});

/** Every row stored for an order, under its own id or the `browser:` form the old worker used. */
async function rowsOfOrder(orderId: string) {
  return (
    await env.DB.prepare(
      "SELECT visitor, value, order_id, reported_by FROM conversions WHERE order_id IN (?1, 'browser:' || ?1)",
    )
      .bind(orderId)
      .all()
  ).results;
}

async function waitForRows(
  query: () => Promise<Record<string, unknown>[]>,
  done: (rows: Record<string, unknown>[]) => boolean,
) {
  const deadline = Date.now() + 8_000;
  let rows = await query();
  while (!done(rows) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    rows = await query();
  }
  return rows;
}

/**
 * One order counts once whoever reports it first, and the shop's signed backend wins (issue 12 item 5; finding S4):
 * the browser's report used to be stored beside the backend's as `browser:<id>`, two orders and double the revenue.
 */
describe("an order reported by the browser and by the shop's backend", () => {
  const buyer = "b".repeat(32);
  const signed = (orderId: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ visitor: buyer, goal: "purchase", orderId, value: 12_999, currency: "GBP", ...extra });

  it("stores one row with the backend's value when the browser reported the order first", async () => {
    const who = await visitor();
    const orderId = `FS-${crypto.randomUUID()}`;
    const forged = JSON.stringify({ goal: "purchase", orderId, value: 1, currency: "GBP" });
    expect((await browser(forged, who.cookie)).status).toBe(204);
    await waitForRows(
      () => rowsOfOrder(orderId),
      (rows) => rows.length > 0,
    );
    expect((await server(signed(orderId))).status).toBe(204);
    const rows = await waitForRows(
      () => rowsOfOrder(orderId),
      (rows) => rows.some((row) => row.visitor === buyer),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rowsOfOrder(orderId)).toEqual([
      { visitor: buyer, value: 12_999, order_id: orderId, reported_by: "server" },
    ]);
    expect(rows).toHaveLength(1);
  }, 20_000);

  it("stores one row with the backend's value when the browser reports the order afterwards", async () => {
    const who = await visitor();
    const orderId = `FS-${crypto.randomUUID()}`;
    expect((await server(signed(orderId))).status).toBe(204);
    await waitForRows(
      () => rowsOfOrder(orderId),
      (rows) => rows.length > 0,
    );
    const late = JSON.stringify({ goal: "purchase", orderId, value: 1, currency: "GBP" });
    expect((await browser(late, who.cookie)).status).toBe(204);
    await storedAfterSentinel(who);
    expect(await rowsOfOrder(orderId)).toEqual([
      { visitor: buyer, value: 12_999, order_id: orderId, reported_by: "server" },
    ]);
  }, 20_000);

  it("never lets a browser event that chose the backend's event id pre-empt the backend's signed event", async () => {
    const who = await visitor();
    const id = crypto.randomUUID();
    const claim = JSON.stringify({ id, goal: "purchase", value: 1, currency: "GBP" });
    expect((await browser(claim, who.cookie)).status).toBe(204);
    await storedAfterSentinel(who);
    const real = JSON.stringify({ id, visitor: buyer, goal: "purchase", value: 12_999, currency: "GBP" });
    expect((await server(real)).status).toBe(204);
    const rows = await waitForRows(
      async () =>
        (await env.DB.prepare("SELECT visitor, value FROM conversions WHERE id = ?").bind(id).all()).results,
      (rows) => rows.length > 0,
    );
    expect(rows).toEqual([{ visitor: buyer, value: 12_999 }]);
  }, 20_000);
});
