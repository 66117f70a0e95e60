import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeCloudflareApi, startFakeCloudflareApi } from "../support/fake-cloudflare-api.ts";
import { ROOT, runCli } from "../support/run-cli.ts";

// The real `stylist` binary with --remote, against a local fake of the Cloudflare REST API that checks every
// request. This is as close as the tests get to an account: nothing here has run against real Cloudflare.
const TOKEN = "cli-e2e-token-2b7d";
const ACCOUNT = "aaaabbbbccccddddeeeeffff00001111";
const NAMESPACE = "99998888777766665555444433332222";
const DATABASE = "12345678-1234-1234-1234-123456789abc";

let fake: FakeCloudflareApi;
let dir: string;
let env: Record<string, string>;
const remote = () => ["--remote", "--config", join(dir, "wrangler.toml"), "--dir", join(ROOT, "rules")];

beforeAll(async () => {
  fake = await startFakeCloudflareApi({
    token: TOKEN,
    accountId: ACCOUNT,
    kvNamespaceId: NAMESPACE,
    d1DatabaseId: DATABASE,
  });
  dir = mkdtempSync(join(tmpdir(), "stylist-remote-"));
  writeFileSync(
    join(dir, "wrangler.toml"),
    [
      'name = "stylist"',
      'main = "src/worker/index.ts"',
      'compatibility_date = "2026-11-01"',
      "[[kv_namespaces]]",
      'binding = "RULES"',
      `id = "${NAMESPACE}"`,
      "[[d1_databases]]",
      'binding = "DB"',
      'database_name = "stylist"',
      `database_id = "${DATABASE}"`,
    ].join("\n"),
  );
  env = {
    CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    CLOUDFLARE_API_BASE_URL: fake.baseUrl,
  };
});

afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("stylist --remote against a fake Cloudflare API", () => {
  it("pushes the rule files as a version and moves the pointer, over the REST API", async () => {
    const push = await runCli(["push", "-m", "remote push", ...remote()], env);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toContain("pushed version 1 (remote)");
    expect(JSON.parse(fake.kv.get("rules:active")?.value ?? "")).toEqual({ version: 1 });
    const puts = fake.requests
      .filter((request) => request.method === "PUT")
      .map((request) => decodeURIComponent(request.path));
    expect(puts).toEqual([
      `/client/v4/accounts/${ACCOUNT}/storage/kv/namespaces/${NAMESPACE}/values/rules:v1`,
      `/client/v4/accounts/${ACCOUNT}/storage/kv/namespaces/${NAMESPACE}/values/rules:active`,
    ]);
  }, 120_000);

  it("shows history and lists the active experiments from the account", async () => {
    const history = JSON.parse((await runCli(["history", "--json", ...remote()], env)).stdout);
    expect(history[0]).toMatchObject({ version: 1, message: "remote push", active: true });
    const list = JSON.parse((await runCli(["list", "--json", ...remote()], env)).stdout);
    expect(list.experiments.map((experiment: { id: string }) => experiment.id)).toContain(
      "home-hero-promise",
    );
  }, 120_000);

  it("reads events from D1 with the query and parameters the CLI built", async () => {
    fake.respondToQuery = () => [];
    const events = await runCli(
      ["events", "--json", "--experiment", "home-hero-promise", "--limit", "5", ...remote()],
      env,
    );
    expect(events.code, events.stderr).toBe(0);
    expect(JSON.parse(events.stdout)).toEqual([]);
    expect(fake.queries.at(-1)).toEqual({
      sql: "SELECT * FROM events WHERE (?1 IS NULL OR experiment = ?1) AND (?2 IS NULL OR type = ?2) ORDER BY ts DESC, id LIMIT ?3",
      params: ["home-hero-promise", null, 5],
    });
  }, 120_000);

  it("shows whole visitor ids in the events table, the form forget takes", async () => {
    const visitor = "0123456789abcdef0123456789abcdef";
    fake.respondToQuery = (sql) =>
      sql.includes("FROM events")
        ? [
            {
              id: "00000000-0000-4000-8000-000000000001",
              type: "exposure",
              ts: 1_767_600_000_000,
              visitor,
              experiment: "home-hero-promise",
              variant: "control",
              phase: 1,
              rules_version: 1,
              path: "/",
              device: "desktop",
              country: null,
              source: null,
              segments: null,
            },
          ]
        : [];
    const events = await runCli(["events", ...remote()], env);
    expect(events.code, events.stderr).toBe(0);
    expect(events.stdout).toContain(visitor);
    fake.respondToQuery = () => [];
  }, 120_000);

  it("says how to get credentials instead of calling the API without them", async () => {
    // A home without a wrangler login, so neither the token nor `wrangler login` can be found.
    const home = mkdtempSync(join(tmpdir(), "stylist-no-login-"));
    const before = fake.requests.length;
    const result = await runCli(["history", ...remote()], {
      HOME: home,
      XDG_CONFIG_HOME: "",
      CLOUDFLARE_API_TOKEN: "",
      CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    });
    rmSync(home, { recursive: true, force: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /no Cloudflare credentials: set CLOUDFLARE_API_TOKEN .* or run `npx wrangler login`/,
    );
    expect(fake.requests.length).toBe(before);
  }, 120_000);

  it("reports a rejected token without printing it", async () => {
    const result = await runCli(["history", ...remote()], {
      ...env,
      CLOUDFLARE_API_TOKEN: "wrong-token-123",
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Workers KV Storage:Edit/);
    expect(result.stderr).not.toContain("wrong-token-123");
  }, 120_000);
});
