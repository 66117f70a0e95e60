import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExperimentSchema } from "../../src/core/schema/experiment.ts";
import { freePort } from "../support/free-port.ts";
import { BODIES, type HostileOrigin, PAGE, startHostileOrigin } from "../support/hostile-origin.ts";
import { runCli } from "../support/run-cli.ts";
import {
  applyLocalMigrations,
  pushLocalRules,
  startWranglerDev,
  type WranglerDev,
} from "../support/wrangler-dev.ts";

/**
 * A misbehaving origin behind the real worker under `wrangler dev` (workerd, its queue consumer and local D1), on
 * 127.0.0.1 only. Every page the origin sends is either personalised with every other byte kept, or passed on as the
 * origin's bytes; an unreachable origin is a clean 502; nothing is logged twice, and only complete personalised
 * views are counted as exposures.
 */
const EXPERIMENT = "hostile-origin";
const EDIT = "Personalised £ €";
/** A browser's User-Agent: Stylist never personalises for bots, and Node's own "node" is one. */
const BROWSER =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
const PERSONALISED_PATHS = [
  "/page",
  "/truncated",
  "/unclosed",
  "/huge-attribute",
  "/windows-1252",
  "/nul-bytes",
  "/gzip-truncated",
  "/gzip-corrupt",
  "/reset-mid-body",
  "/server-error",
  "/unavailable",
  "/reset-before-headers",
  "/stall",
];

let origin: HostileOrigin;
let dev: WranglerDev;
let state: string;
/** Visitors and how many exposures each must end with, checked against the sink at the end of the file. */
const expectedExposures = new Map<string, number>();

interface Answer {
  status: number | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Set when the connection failed or was cut before the body ended. */
  error?: string;
  /** Milliseconds until the response headers arrived (or the failure). */
  firstByteMs: number;
}

/** One request over a raw socket, so the bytes are exactly what the worker sent (no decoding, no redirects). */
function get(path: string, options: { cookie?: string; timeoutMs?: number } = {}): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let firstByteMs = 0;
    const done = (status: number | undefined, headers: IncomingHttpHeaders, error?: string) =>
      resolve({ status, headers, body: Buffer.concat(chunks), firstByteMs, ...(error ? { error } : {}) });
    const outgoing = request(
      `${dev.url}${path}`,
      {
        headers: {
          "user-agent": BROWSER,
          "accept-encoding": "identity",
          ...(options.cookie ? { cookie: options.cookie } : {}),
        },
      },
      (response) => {
        firstByteMs = Date.now() - started;
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => done(response.statusCode, response.headers));
        response.on("error", (error) => done(response.statusCode, response.headers, error.message));
        response.on("aborted", () => done(response.statusCode, response.headers, "aborted"));
      },
    );
    outgoing.on("error", (error) => {
      firstByteMs ||= Date.now() - started;
      done(undefined, {}, error.message);
    });
    outgoing.setTimeout(options.timeoutMs ?? 10_000, () => outgoing.destroy(new Error("client timeout")));
    outgoing.end();
  });
}

const visitorOf = (answer: Answer) =>
  /stylist_vid=v1\.([0-9a-f]{32})\./.exec((answer.headers["set-cookie"] ?? []).join("\n"))?.[1];

/** The origin's bytes with the inner content of the first `<h1>` (to `</h1>` or the end) replaced. */
function withHeadline(origin: Buffer, replacement: Buffer): Buffer {
  const start = origin.indexOf("<h1>") + 4;
  const end = origin.indexOf("</h1>", start);
  return Buffer.concat([
    origin.subarray(0, start),
    replacement,
    end === -1 ? Buffer.alloc(0) : origin.subarray(end),
  ]);
}

/** What `action` returned, and the Stylist fault codes the worker logged meanwhile (logs arrive a little late). */
async function withFaults<T>(action: () => Promise<T>): Promise<{ value: T; faults: string[] }> {
  const before = dev.faults().length;
  const value = await action();
  await new Promise((resolve) => setTimeout(resolve, 500));
  return {
    value,
    faults: dev
      .faults()
      .slice(before)
      .map((fault) => fault.stylist),
  };
}

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "stylist-hostile-origin-"));
  origin = await startHostileOrigin();
  await applyLocalMigrations(state);
  await pushLocalRules(state, {
    experiments: [
      ExperimentSchema.parse({
        id: EXPERIMENT,
        hypothesis: "A personalised headline lifts progression on every page the origin serves",
        status: "running",
        pages: PERSONALISED_PATHS,
        variants: [
          { id: "control", weight: 0 },
          { id: "edited", weight: 100, ops: [{ op: "setText", selector: "#hero h1", value: EDIT }] },
        ],
        metrics: { primary: "purchase" },
      }),
    ],
    settings: { goals: [], redirectHosts: [] },
  });
  dev = await startWranglerDev({ originUrl: origin.url, persistTo: state, port: await freePort() });
  // Warm the isolate's rules cache so the first test is not the one that pays for it.
  await get("/page");
}, 120_000);

afterAll(async () => {
  await dev?.stop();
  await origin?.close();
  if (state) rmSync(state, { recursive: true, force: true });
});

describe("broken HTML the worker still personalises, keeping every other byte", () => {
  it.each<[string, string, Buffer, Buffer]>([
    ["a page cut off mid-headline", "/truncated", BODIES.truncated, Buffer.from(EDIT)],
    [
      "a page of unclosed tags, an endless comment and a script that never ends",
      "/unclosed",
      BODIES.unclosed,
      Buffer.from(EDIT),
    ],
    [
      "a page with a 1 MB attribute before the target",
      "/huge-attribute",
      BODIES.hugeAttribute,
      Buffer.from(EDIT),
    ],
    ["a page with NUL bytes", "/nul-bytes", BODIES.nulBytes, Buffer.from(EDIT)],
    // windows-1252: the edit is written in the page's own encoding (£ is 0xA3, € is 0x80), every other byte kept.
    [
      "a windows-1252 page",
      "/windows-1252",
      BODIES.windows1252,
      Buffer.from([...Buffer.from("Personalised "), 0xa3, 0x20, 0x80]),
    ],
  ])("serves %s with only the headline changed, logging nothing", async (_name, path, originBytes, edit) => {
    const { value: answer, faults } = await withFaults(() => get(path));
    expect(faults).toEqual([]);
    expect(answer.error).toBeUndefined();
    expect(answer.status).toBe(200);
    expect(answer.body.equals(withHeadline(originBytes, edit))).toBe(true);
    if (path === "/windows-1252")
      expect(answer.headers["content-type"]).toBe("text/html; charset=windows-1252");
    expectedExposures.set(visitorOf(answer) as string, 1);
  });
});

describe("responses the worker must pass on as the origin's bytes", () => {
  it.each([
    ["/passthrough/windows-1252", BODIES.windows1252],
    ["/passthrough/unclosed", BODIES.unclosed],
    ["/passthrough/huge-attribute", BODIES.hugeAttribute],
  ])("passes %s through byte for byte when no experiment covers it", async (path, bytes) => {
    const answer = await get(path);
    expect(answer.status).toBe(200);
    expect(answer.body.equals(bytes)).toBe(true);
  });

  it.each([
    ["/server-error", 500],
    ["/unavailable", 503],
  ])(
    "passes the origin's %s through with its status, headers and bytes, and no cookie",
    async (path, status) => {
      const { value: answer, faults } = await withFaults(() => get(path));
      expect(faults).toEqual([]);
      expect(answer.status).toBe(status);
      expect(answer.body.equals(BODIES.serverError)).toBe(true);
      expect(answer.headers["set-cookie"]).toBeUndefined();
      if (status === 503) expect(answer.headers["retry-after"]).toBe("30");
    },
  );
});

describe("an origin that fails", () => {
  it("answers a clean 502 when the origin resets the connection before answering, logging it once per request", async () => {
    const { value: answers, faults } = await withFaults(async () => [
      await get("/reset-before-headers"),
      await get("/reset-before-headers"),
    ]);
    expect(faults).toEqual(["origin_unreachable", "origin_unreachable"]);
    for (const answer of answers) {
      expect(answer.status).toBe(502);
      expect(answer.headers["content-type"]).toBe("text/plain; charset=utf-8");
      expect(answer.headers["cache-control"]).toBe("no-store");
      expect(answer.headers["set-cookie"]).toBeUndefined();
      expect(answer.body.toString()).toBe("The shop could not be reached. Please try again in a moment.");
    }
  });

  it("cuts the visitor's connection as the origin did when the origin resets mid-page, and counts nothing", async () => {
    const { value: answer, faults } = await withFaults(() => get("/reset-mid-body"));
    expect(faults).toEqual([]);
    expect(answer.status).toBe(200);
    expect(answer.error).toBeDefined();
    expect(PAGE.startsWith(answer.body.toString())).toBe(true);
    expectedExposures.set(visitorOf(answer) as string, 0);
    // The worker is unharmed: the next view of a good page is personalised as usual.
    expect((await get("/page")).body.toString()).toContain(EDIT);
  });

  it.each(["/gzip-truncated", "/gzip-corrupt"])(
    "answers at once and ends the connection, never hangs, for a broken gzip body (%s), and counts nothing",
    async (path) => {
      for (const route of [path, `/passthrough${path}`]) {
        const answer = await get(route, { timeoutMs: 5_000 });
        expect(answer.status).toBe(200);
        expect(answer.firstByteMs).toBeLessThan(2_000);
        expect(answer.error).not.toBe("client timeout");
        if (route === path) expectedExposures.set(visitorOf(answer) as string, 0);
      }
      expect((await get("/page")).body.toString()).toContain(EDIT);
    },
  );

  it("keeps serving other visitors while one request waits on an origin that never answers", async () => {
    const { faults } = await withFaults(async () => {
      const stalled = get("/stall", { timeoutMs: 3_000 });
      const started = Date.now();
      const other = await get("/page");
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(other.body.toString()).toContain(EDIT);
      expect((await stalled).error).toBe("client timeout");
    });
    expect(faults).toEqual([]);
    // The stalled request did reach the origin (wrangler dev may retry a GET that got no answer).
    expect(origin.hits("/stall")).toBeGreaterThanOrEqual(1);
  });
});

describe("origin redirects", () => {
  it.each([
    ["/redirect-away", "https://elsewhere.example/signin"],
    ["/redirect-protocol-relative", "//elsewhere.example/signin"],
  ])("passes an origin redirect off its own host (%s) through unchanged", async (path, location) => {
    const answer = await get(path);
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe(location);
  });

  it("points an origin redirect to its own host back at the storefront", async () => {
    const answer = await get("/redirect-self");
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe(`${dev.url}/page?from=redirect`);
  });
});

describe("the sink", () => {
  it("holds exactly one exposure per complete personalised view, and none for cut or failed ones", async () => {
    const complete = [...expectedExposures].filter(([, count]) => count > 0).map(([visitor]) => visitor);
    expect(complete.length).toBeGreaterThanOrEqual(5);
    const read = async () => {
      const result = await runCli([
        "events",
        "--json",
        "--limit",
        "100000",
        "--experiment",
        EXPERIMENT,
        "--persist-to",
        state,
      ]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Array<{ visitor: string; type: string }>;
    };
    const deadline = Date.now() + 30_000;
    let events = await read();
    while (
      !complete.every((visitor) => events.some((event) => event.visitor === visitor)) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      events = await read();
    }
    // One more queue batch window, for anything that would have been counted twice.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    events = await read();
    for (const [visitor, count] of expectedExposures) {
      expect(
        events.filter((event) => event.visitor === visitor && event.type === "exposure").length,
        visitor,
      ).toBe(count);
    }
  }, 180_000);
});

/**
 * Unsafe behaviour found while writing these tests (docs/security.md, findings S1–S3 and S6). Each test states the
 * safe behaviour; they are skipped until the fix lands, and should then be enabled as its regression tests.
 */
describe("fixed (docs/security.md): origin URLs, redirects and timeouts", () => {
  it("never fetches a host other than ORIGIN_URL, whatever the request path (S1)", async () => {
    let hits = 0;
    const elsewhere: Server = createServer((_request, response) => {
      hits++;
      response.writeHead(200, { "content-type": "text/html" }).end("<h1>not the shop</h1>");
    });
    const port = await freePort();
    await new Promise<void>((resolve) => elsewhere.listen(port, "127.0.0.1", resolve));
    try {
      for (const path of [`//127.0.0.1:${port}/`, `/\\127.0.0.1:${port}/`]) await get(path);
      expect(hits).toBe(0);
    } finally {
      elsewhere.close();
    }
  });

  it("keeps an origin redirect to its own host on the storefront when its path starts with // (S2)", async () => {
    const answer = await get("/redirect-double-slash");
    expect(new URL(answer.headers.location ?? "", dev.url).host).toBe(new URL(dev.url).host);
  });

  it("passes an origin redirect with a malformed Location on, instead of answering 500 (S3)", async () => {
    const answer = await get("/redirect-malformed");
    expect(answer.status).toBe(302);
  });

  it("answers 504 within the origin timeout when the origin never answers (S6)", async () => {
    const answer = await get("/stall", { timeoutMs: 40_000 });
    expect(answer.status).toBe(504);
  }, 180_000);
});
