import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY, generatedTraffic, writeArchive } from "../support/archive-events.ts";
import { type FakeCloudflareApi, startFakeCloudflareApi } from "../support/fake-cloudflare-api.ts";
import { type FakeR2, startFakeR2 } from "../support/fake-r2-s3.ts";
import { visitorId } from "../support/report-events.ts";
import { ROOT, runCli } from "../support/run-cli.ts";

// `--sink r2 --remote`: the real `stylist` binary reads and erases the archive of an account over R2's S3 API, here a
// local fake that checks every request's signature; D1 goes to a local fake of the REST API. Nothing here has run
// against a real Cloudflare account.
const TOKEN = "archive-remote-token-77";
const ACCOUNT = "aaaabbbbccccddddeeeeffff00002222";
const NAMESPACE = "99998888777766665555444433331111";
const DATABASE = "12345678-1234-1234-1234-123456789abd";
const R2 = { accessKeyId: "r2-e2e-key", secretAccessKey: "r2-e2e-secret-19ab" };
const SLOW = 240_000;

let api: FakeCloudflareApi;
let r2: FakeR2;
let dir: string;
let local: string;
const events = generatedTraffic(120, 3);

const files = (root: string): string[] =>
  readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });

beforeAll(async () => {
  api = await startFakeCloudflareApi({
    token: TOKEN,
    accountId: ACCOUNT,
    kvNamespaceId: NAMESPACE,
    d1DatabaseId: DATABASE,
  });
  r2 = await startFakeR2({ bucket: "shop-archive", ...R2, pageSize: 5 });
  dir = mkdtempSync(join(tmpdir(), "stylist-archive-remote-"));
  local = join(dir, "archive");
  writeArchive(local, events, 40, 0.2);
  for (const path of files(local))
    r2.objects.set(relative(local, path).split(sep).join("/"), readFileSync(path));
  writeFileSync(
    join(dir, "wrangler.toml"),
    [
      'name = "stylist"',
      'main = "src/worker/index.ts"',
      'compatibility_date = "2026-11-01"',
      "[vars]",
      'SINK = "r2"',
      "[[kv_namespaces]]",
      'binding = "RULES"',
      `id = "${NAMESPACE}"`,
      "[[d1_databases]]",
      'binding = "DB"',
      'database_name = "stylist"',
      `database_id = "${DATABASE}"`,
      "[[r2_buckets]]",
      'binding = "ARCHIVE"',
      'bucket_name = "shop-archive"',
      // The archive buffer is bound, so forget also leaves its mark in KV for the buffer.
      "[[durable_objects.bindings]]",
      'name = "ARCHIVE_BUFFER"',
      'class_name = "ArchiveBuffer"',
    ].join("\n"),
  );
});

afterAll(async () => {
  await api.close();
  await r2.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (withKeys = true) => ({
  CLOUDFLARE_API_TOKEN: TOKEN,
  CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
  CLOUDFLARE_API_BASE_URL: api.baseUrl,
  STYLIST_R2_ENDPOINT: r2.endpoint,
  ...(withKeys ? { R2_ACCESS_KEY_ID: R2.accessKeyId, R2_SECRET_ACCESS_KEY: R2.secretAccessKey } : {}),
});
const remote = () => ["--remote", "--config", join(dir, "wrangler.toml")];

async function archivedVisitors(): Promise<string[]> {
  const listed = await runCli(["events", "--sink", "r2", "--json", "--limit", "100000", ...remote()], env());
  expect(listed.code, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as Array<{ visitor: string }>).map((event) => event.visitor);
}

describe("stylist --sink r2 --remote over R2's S3 API", () => {
  it(
    "reads the account's archive: the same events and the same report as the files themselves",
    async () => {
      const visitors = await archivedVisitors();
      expect(new Set(visitors).size).toBe(new Set(events.map((event) => event.visitor)).size);
      const args = [
        "--rules",
        "files",
        "--dir",
        join(ROOT, "rules"),
        "--window",
        `${DAY / 3_600_000}h`,
        "--json",
      ];
      const fromBucket = await runCli(["report", "--sink", "r2", ...args, ...remote()], env());
      const fromFiles = await runCli(["report", "--events", local, ...args, ...remote()], env());
      expect(fromBucket.code, fromBucket.stderr).toBe(0);
      expect(fromFiles.code, fromFiles.stderr).toBe(0);
      const figures = (stdout: string) => {
        const { generatedAt: _, source: __, ...rest } = JSON.parse(stdout);
        return rest;
      };
      expect(figures(fromBucket.stdout)).toEqual(figures(fromFiles.stdout));
      expect(
        figures(fromBucket.stdout).experiments.map((experiment: { id: string }) => experiment.id),
      ).toEqual(["hero", "usp"]);
    },
    SLOW,
  );

  it(
    "forgets a visitor in the bucket's Parquet files and in D1",
    async () => {
      const visitor = visitorId("v7");
      expect(await archivedVisitors()).toContain(visitor);
      const forget = await runCli(["forget", visitor, ...remote()], env());
      expect(forget.code, forget.stderr).toBe(0);
      expect(forget.stdout).toMatch(/from the r2 archive: \d+ file\(s\) rewritten/);
      expect(forget.stdout).toMatch(
        /once the mark reaches it \(KV: up to a minute\); run forget again after a minute/,
      );
      expect([...api.kv.keys()].filter((key) => key.endsWith(visitor))).toEqual([
        expect.stringMatching(new RegExp(`^archive-forget:\\d+:${visitor}$`)),
      ]);
      expect(await archivedVisitors()).not.toContain(visitor);
      expect(api.queries.map((query) => query.sql)).toContain("DELETE FROM events WHERE visitor = ?");
      expect(r2.requests.filter((request) => request.status === 403)).toEqual([]);
    },
    SLOW,
  );

  it(
    "without the R2 key pair, says which variables to set instead of reading nothing",
    async () => {
      const result = await runCli(["events", "--sink", "r2", ...remote()], env(false));
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("set R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY");
    },
    SLOW,
  );
});
