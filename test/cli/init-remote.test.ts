import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "@decimalturn/toml-patch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeCloudflareApi, startFakeCloudflareApi } from "../support/fake-cloudflare-api.ts";
import { runCli } from "../support/run-cli.ts";

const TOKEN = "test-token-init";
const ACCOUNT = "acc0123";

let fake: FakeCloudflareApi;
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  fake = await startFakeCloudflareApi({ token: TOKEN, accountId: ACCOUNT, sqlite: true });
});
afterAll(async () => {
  await fake.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const env = () => ({
  CLOUDFLARE_API_TOKEN: TOKEN,
  CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
  CLOUDFLARE_API_BASE_URL: fake.baseUrl,
});
const writes = () =>
  fake.requests.filter((request) => request.method !== "GET" && !request.path.endsWith("/query"));

describe("stylist init --remote, against the local fake of the Cloudflare API (never a real account)", () => {
  const project = tempDir("stylist-init-remote-");

  it("creates the namespace, database with its migrations, both queues and the bucket, and writes their ids", async () => {
    const result = await runCli(["init", project, "--remote", "--origin", "https://origin.shop.test"], env());
    expect(result.code, result.stderr).toBe(0);
    for (const step of [
      "+ create KV namespace stylist-rules",
      "+ create D1 database stylist",
      `+ apply ${readdirSync(join(import.meta.dirname, "../../migrations")).length} D1 migration(s)`,
      "+ create queue stylist-events",
      "+ create queue stylist-events-dlq",
      "+ create R2 bucket stylist-archive",
    ])
      expect(result.stdout).toContain(step);
    expect(result.stdout).toMatch(
      /note: the worker ".*" is not deployed yet, so VISITOR_SECRET cannot be set/,
    );

    const config = parse(readFileSync(join(project, "wrangler.toml"), "utf8")) as {
      kv_namespaces: Array<{ id: string }>;
      d1_databases: Array<{ database_id: string }>;
    };
    expect([...fake.namespaces.keys()]).toEqual([config.kv_namespaces[0]?.id]);
    expect([...fake.databases.keys()]).toEqual([config.d1_databases[0]?.database_id]);
    expect([...fake.queues].sort()).toEqual(["stylist-events", "stylist-events-dlq"]);
    expect([...fake.buckets]).toEqual(["stylist-archive"]);
    const sqlite = [...fake.databases.values()][0]?.sqlite;
    const applied = sqlite
      ?.prepare("SELECT name FROM d1_migrations ORDER BY id")
      .all()
      .map((row) => row.name);
    expect(applied).toEqual(readdirSync(join(import.meta.dirname, "../../migrations")).sort());
    expect(sqlite?.prepare("SELECT count(*) AS n FROM events").get()).toEqual({ n: 0 });
  });

  it("a second run looks everything up, creates nothing and says so", async () => {
    fake.requests.length = 0;
    const before = readFileSync(join(project, "wrangler.toml"), "utf8");
    const result = await runCli(["init", project, "--remote"], env());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Nothing to do");
    expect(writes()).toEqual([]);
    expect(readFileSync(join(project, "wrangler.toml"), "utf8")).toBe(before);
  });

  it("once the worker is deployed, sets a strong random VISITOR_SECRET, once", async () => {
    const name = (parse(readFileSync(join(project, "wrangler.toml"), "utf8")) as { name: string }).name;
    fake.scripts.set(name, new Map());
    const dry = await runCli(["init", project, "--remote", "--dry-run"], env());
    expect(dry.stdout).toContain("+ set secret VISITOR_SECRET");
    expect(fake.scripts.get(name)?.size).toBe(0);
    const result = await runCli(["init", project, "--remote"], env());
    expect(result.code, result.stderr).toBe(0);
    const secret = fake.scripts.get(name)?.get("VISITOR_SECRET") ?? "";
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(result.stdout).not.toContain(secret);
    const again = await runCli(["init", project, "--remote"], env());
    expect(again.stdout).toContain("Nothing to do");
    expect(fake.scripts.get(name)?.get("VISITOR_SECRET")).toBe(secret);
  });

  it("uses wrangler's own login when there is no CLOUDFLARE_API_TOKEN, and the token's only account", async () => {
    const home = tempDir("stylist-home-");
    mkdirSync(join(home, ".wrangler", "config"), { recursive: true });
    writeFileSync(
      join(home, ".wrangler", "config", "default.toml"),
      `oauth_token = "${TOKEN}"\nexpiration_time = "2999-01-01T00:00:00.000Z"\n`,
    );
    const result = await runCli(["init", project, "--remote"], {
      HOME: home,
      XDG_CONFIG_HOME: "",
      CLOUDFLARE_API_TOKEN: "",
      CLOUDFLARE_ACCOUNT_ID: "",
      CLOUDFLARE_API_BASE_URL: fake.baseUrl,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Cloudflare account ${ACCOUNT} (wrangler login`);
    expect(result.stdout).toContain("Nothing to do");
  });

  it("a refused token stops before anything is written, with the API's own words", async () => {
    const fresh = tempDir("stylist-init-refused-");
    const result = await runCli(["init", fresh, "--remote"], { ...env(), CLOUDFLARE_API_TOKEN: "wrong" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /--remote: HTTP 401: \[10000\] Authentication error — the token was refused/,
    );
    expect(result.stderr).not.toContain("wrong");
    expect(readdirSync(fresh)).toEqual([]);
  });
});
