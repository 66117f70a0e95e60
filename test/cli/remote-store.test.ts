import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openRemoteBackend, type RemoteOptions, remoteIds } from "../../src/cli/stores/remote.ts";
import { ExperimentSchema } from "../../src/core/schema/experiment.ts";
import { history, pushRules, readActive, rollback, setKilled } from "../../src/rules/versions.ts";
import { type FakeCloudflareApi, startFakeCloudflareApi } from "../support/fake-cloudflare-api.ts";
import { freePort } from "../support/free-port.ts";

const TOKEN = "cf-test-token-5f1c9e0d7a";
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const NAMESPACE = "fedcba9876543210fedcba9876543210";
const DATABASE = "11111111-2222-3333-4444-555555555555";

let fake: FakeCloudflareApi;

function options(overrides: Partial<RemoteOptions> = {}): RemoteOptions {
  return {
    accountId: ACCOUNT,
    apiToken: TOKEN,
    kvNamespaceId: NAMESPACE,
    d1DatabaseId: DATABASE,
    baseUrl: fake.baseUrl,
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error("expected the call to fail, and it succeeded");
}

const experiment = ExperimentSchema.parse({
  id: "hero-copy",
  hypothesis: "Returning visitors who see a shorter headline will buy more often",
  status: "running",
  pages: ["/"],
  variants: [
    { id: "control", weight: 50 },
    { id: "b", weight: 50, ops: [{ op: "setText", selector: "#hero h1", value: "Hi" }] },
  ],
  metrics: { primary: "purchase" },
});

const ns = `/client/v4/accounts/${ACCOUNT}/storage/kv/namespaces/${NAMESPACE}`;

beforeAll(async () => {
  fake = await startFakeCloudflareApi({
    token: TOKEN,
    accountId: ACCOUNT,
    kvNamespaceId: NAMESPACE,
    d1DatabaseId: DATABASE,
    pageSize: 2,
  });
});

afterEach(() => fake.reset());

afterAll(async () => {
  await fake.close();
});

describe("remote rules over the Workers KV REST API", () => {
  it("pushes a snapshot and moves the pointer through the REST API", async () => {
    const { rules } = openRemoteBackend(options());
    const first = await pushRules(rules, { experiments: [experiment] }, { author: "ana", message: "first" });
    const second = await pushRules(
      rules,
      { experiments: [experiment] },
      { author: "ben", message: "second" },
    );
    expect([first.snapshot.version, second.snapshot.version]).toEqual([1, 2]);
    expect((await readActive(rules))?.version).toBe(2);

    const versions = await history(rules);
    expect(
      versions.map(({ version, author, message, experiments, active }) => ({
        version,
        author,
        message,
        experiments,
        active,
      })),
    ).toEqual([
      { version: 2, author: "ben", message: "second", experiments: 1, active: true },
      { version: 1, author: "ana", message: "first", experiments: 1, active: false },
    ]);

    expect(await rollback(rules)).toEqual({ from: 2, to: 1 });
    expect((await readActive(rules))?.version).toBe(1);
    expect(JSON.parse(fake.kv.get("rules:active")?.value ?? "null")).toEqual({ version: 1 });

    const killed = await setKilled(rules, ["hero-copy"], false, { author: "ana", message: "stop it" });
    expect(killed.version).toBe(3);
    expect((await readActive(rules))?.killed).toEqual(["hero-copy"]);

    // Keys are percent-encoded in the path, and every write went as multipart through the fake's checks.
    const writes = fake.requests.filter((request) => request.method === "PUT");
    expect(writes.map((request) => request.path)).toEqual([
      `${ns}/values/rules:v1`,
      `${ns}/values/rules:active`,
      `${ns}/values/rules:v2`,
      `${ns}/values/rules:active`,
      `${ns}/values/rules:active`,
      `${ns}/values/rules:v3`,
      `${ns}/values/rules:active`,
    ]);
    expect(writes.every((request) => request.status === 200)).toBe(true);
    expect(fake.kv.get("rules:v1")?.metadata).toMatchObject({ version: 1, author: "ana", experiments: 1 });
    expect(fake.kv.get("rules:active")?.metadata).toBeUndefined();
  });

  it("lists keys across several pages of results", async () => {
    const { rules } = openRemoteBackend(options());
    for (const name of [
      "rules:v1",
      "rules:v2",
      "rules:v3",
      "rules:v4",
      "rules:v5",
      "rules:active",
      "other",
    ]) {
      await rules.put(name, "x");
    }
    const keys = await rules.list("rules:v");
    expect(keys.map((key) => key.name)).toEqual(["rules:v1", "rules:v2", "rules:v3", "rules:v4", "rules:v5"]);

    const pages = fake.requests.filter((request) => request.path === `${ns}/keys`);
    expect(pages).toHaveLength(3);
    expect(pages.map((request) => request.query.prefix)).toEqual(["rules:v", "rules:v", "rules:v"]);
    expect(pages.every((request) => request.query.limit === "1000")).toBe(true);
    expect(pages[0]?.query.cursor).toBeUndefined();
    expect(pages[1]?.query.cursor).toBeTruthy();
    expect(pages[2]?.query.cursor).not.toBe(pages[1]?.query.cursor);
  });

  it("stores and returns metadata", async () => {
    const { rules } = openRemoteBackend(options());
    const metadata = {
      version: 7,
      createdAt: "2026-01-02T03:04:05.000Z",
      author: "ana",
      message: "ünïcode ✓",
      experiments: 2,
    };
    await rules.put("rules:v7", '{"a":1}', metadata);
    await rules.put("rules:v8", '{"b":2}');
    expect(await rules.get("rules:v7")).toBe('{"a":1}');
    expect(await rules.list("rules:")).toEqual([{ name: "rules:v7", metadata }, { name: "rules:v8" }]);
    const put = fake.requests.find((request) => request.method === "PUT");
    expect(String(put?.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/);
  });

  it("returns null for a missing key", async () => {
    const { rules } = openRemoteBackend(options());
    expect(await rules.get("rules:active")).toBeNull();
    expect(fake.requests).toMatchObject([{ method: "GET", path: `${ns}/values/rules:active`, status: 404 }]);
  });

  it("does not mistake a wrong namespace id for a missing key", async () => {
    const { rules } = openRemoteBackend(options({ kvNamespaceId: "0000000000000000000000000000beef" }));
    const error = await failureOf(rules.get("rules:active"));
    expect(error.message).toContain("HTTP 404");
    expect(error.message).toContain("[10013] namespace not found");
  });

  it("sends the bearer token, and only in the authorization header", async () => {
    const { rules } = openRemoteBackend(options());
    await rules.put("k", "v");
    expect(await rules.get("k")).toBe("v");
    expect(fake.requests.map((request) => request.status)).toEqual([200, 200]);
    for (const request of fake.requests) {
      expect(JSON.stringify(request)).not.toContain(TOKEN);
    }
  });
});

describe("remote API failures", () => {
  it("a 401 gives an actionable permission error that never includes the token", async () => {
    const wrongToken = "not-the-right-token-123";
    const { rules, sink } = openRemoteBackend(options({ apiToken: wrongToken }));
    const kvError = await failureOf(rules.put("rules:active", "{}"));
    expect(kvError.message).toContain(
      `PUT /accounts/${ACCOUNT}/storage/kv/namespaces/${NAMESPACE}/values/rules:active`,
    );
    expect(kvError.message).toContain("HTTP 401");
    expect(kvError.message).toContain("[10000] Authentication error");
    expect(kvError.message).toContain("lacks permission");
    expect(kvError.message).toContain("Workers KV Storage:Edit");
    expect(kvError.message).not.toContain(wrongToken);

    const d1Error = await failureOf(sink.query("SELECT 1"));
    expect(d1Error.message).toContain(`POST /accounts/${ACCOUNT}/d1/database/${DATABASE}/query`);
    expect(d1Error.message).toContain("D1:Edit");
    expect(d1Error.message).not.toContain(wrongToken);
    // Not retried: a bad token stays bad.
    expect(fake.requests).toHaveLength(2);
  });

  it("a 500 then 200 is retried and succeeds", async () => {
    const { rules } = openRemoteBackend(options());
    fake.kv.set("rules:active", { value: '{"version":1}' });
    fake.fail({ status: 500 });
    expect(await rules.get("rules:active")).toBe('{"version":1}');
    expect(fake.requests.map((request) => request.status)).toEqual([500, 200]);
  });

  it("repeated 500s fail with the status in the message after bounded attempts", async () => {
    const { rules } = openRemoteBackend(options());
    fake.fail({ status: 503, errors: [{ code: 10001, message: "service temporarily unavailable" }] }, 10);
    const error = await failureOf(rules.list("rules:v"));
    expect(error.message).toContain("GET /accounts/");
    expect(error.message).toContain("/keys");
    expect(error.message).toContain("HTTP 503 after 4 attempts");
    expect(error.message).toContain("[10001] service temporarily unavailable");
    expect(error.message).not.toContain(TOKEN);
    expect(fake.requests).toHaveLength(4);
  });

  it("waits as long as Retry-After asks on a 429", async () => {
    const { rules } = openRemoteBackend(options());
    fake.fail({ status: 429, retryAfter: "1", errors: [{ code: 10022, message: "too many requests" }] });
    const started = performance.now();
    await rules.put("k", "v");
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.requests.map((request) => request.status)).toEqual([429, 200]);
  });

  it("does not retry a 400", async () => {
    const { rules } = openRemoteBackend(options());
    fake.fail({ status: 400, errors: [{ code: 10012, message: "malformed value" }] });
    const error = await failureOf(rules.put("k", "v"));
    expect(error.message).toContain("HTTP 400: [10012] malformed value");
    expect(fake.requests).toHaveLength(1);
  });

  it("treats success: false in a 200 answer as a failure", async () => {
    const { sink } = openRemoteBackend(options());
    fake.fail({ status: 200, errors: [{ code: 7500, message: "no such table: exposures" }] });
    const error = await failureOf(sink.query("SELECT * FROM exposures"));
    expect(error.message).toContain("HTTP 200: [7500] no such table: exposures");
  });

  it("names the base URL when the API cannot be reached", async () => {
    const baseUrl = `http://127.0.0.1:${await freePort()}/client/v4`;
    const { rules } = openRemoteBackend(options({ baseUrl }));
    const error = await failureOf(rules.get("rules:active"));
    expect(error.message).toContain(`Could not reach the Cloudflare API at ${baseUrl}`);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).not.toContain(TOKEN);
  });
});

describe("remote analytics over the D1 REST API", () => {
  it("sends sql and params and returns rows", async () => {
    const { sink } = openRemoteBackend(options());
    fake.respondToQuery = (sql, params) =>
      sql.startsWith("SELECT variant") ? [{ variant: "control", visitors: 10, experiment: params[0] }] : [];
    const rows = await sink.query<{ variant: string; visitors: number }>(
      "SELECT variant, COUNT(*) AS visitors FROM exposures WHERE experiment = ?1 GROUP BY variant",
      ["hero-copy"],
    );
    expect(rows).toEqual([{ variant: "control", visitors: 10, experiment: "hero-copy" }]);
    expect(await sink.query("SELECT 1")).toEqual([]);
    expect(fake.queries).toEqual([
      {
        sql: "SELECT variant, COUNT(*) AS visitors FROM exposures WHERE experiment = ?1 GROUP BY variant",
        params: ["hero-copy"],
      },
      { sql: "SELECT 1", params: [] },
    ]);
    expect(fake.requests[0]).toMatchObject({
      method: "POST",
      path: `/client/v4/accounts/${ACCOUNT}/d1/database/${DATABASE}/query`,
      headers: { "content-type": "application/json" },
      status: 200,
    });
  });

  it("uses the fetch it is given", async () => {
    const seen: string[] = [];
    const { sink } = openRemoteBackend(
      options({
        fetch: (input, init) => {
          seen.push(String(input));
          return fetch(input, init);
        },
      }),
    );
    await sink.query("SELECT 1");
    expect(seen).toEqual([`${fake.baseUrl}/accounts/${ACCOUNT}/d1/database/${DATABASE}/query`]);
  });

  it("closes at once", async () => {
    await expect(openRemoteBackend(options()).close()).resolves.toBeUndefined();
    expect(openRemoteBackend(options()).mode).toBe("remote");
  });
});

describe("remote ids from wrangler.toml", () => {
  it("passes real ids through, trimmed", () => {
    expect(remoteIds({ kvNamespaceId: ` ${NAMESPACE} `, d1DatabaseId: DATABASE })).toEqual({
      kvNamespaceId: NAMESPACE,
      d1DatabaseId: DATABASE,
    });
  });

  it("refuses the placeholder ids wrangler.toml ships with, saying how to create each", () => {
    expect(() =>
      remoteIds({ kvNamespaceId: "00000000000000000000000000000000", d1DatabaseId: DATABASE }),
    ).toThrow(/stylist init --remote.*wrangler kv namespace create/);
    expect(() =>
      remoteIds({ kvNamespaceId: NAMESPACE, d1DatabaseId: "00000000-0000-0000-0000-000000000000" }),
    ).toThrow(/stylist init --remote.*wrangler d1 create/);
  });
});
