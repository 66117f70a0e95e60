import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  configChecks,
  type DeploymentConfig,
  workerHosts,
} from "../../../../src/cli/doctor/config-checks.ts";
import { originChecks } from "../../../../src/cli/doctor/live-checks.ts";
import { parseDevVars, secretChecks, secretWeakness } from "../../../../src/cli/doctor/secret-checks.ts";

const complete = (): DeploymentConfig => ({
  name: "shop",
  vars: { ORIGIN_URL: "https://origin.shop.test", COMPRESSION: "front-line" },
  kv_namespaces: [{ binding: "RULES", id: "a".repeat(32) }],
  d1_databases: [{ binding: "DB", database_id: "1234-5678" }],
  queues: {
    producers: [{ binding: "EVENTS", queue: "stylist-events" }],
    consumers: [{ queue: "stylist-events", dead_letter_queue: "stylist-events-dlq" }],
  },
  r2_buckets: [],
  triggers: { crons: ["*/15 * * * *"] },
  routes: [{ pattern: "shop.test", custom_domain: true }, "www.shop.test/*"],
});
const statusOf = (config: DeploymentConfig, check: string, remote = true) =>
  configChecks(config, { remote }).find((finding) => finding.check === check);

describe("doctor: the config", () => {
  it("a complete config passes every check", () => {
    expect(configChecks(complete(), { remote: true }).filter((f) => f.status !== "ok")).toEqual([]);
  });

  it("names each missing or half-configured part with its fix", () => {
    const noDlq = complete();
    noDlq.queues.consumers = [{ queue: "stylist-events" }];
    expect(statusOf(noDlq, "binding:EVENTS")).toMatchObject({
      status: "warn",
      fix: expect.stringContaining("dead_letter_queue"),
    });
    const placeholder = complete();
    placeholder.kv_namespaces = [{ binding: "RULES", id: "00000000000000000000000000000000" }];
    expect(statusOf(placeholder, "binding:RULES")).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("init --remote"),
    });
    expect(statusOf(placeholder, "binding:RULES", false)?.status).toBe("ok");
    const r2 = complete();
    r2.vars.SINK = "r2";
    expect(statusOf(r2, "binding:ARCHIVE")?.status).toBe("fail");
    const noRoutes = complete();
    noRoutes.routes = [];
    expect(statusOf(noRoutes, "routes")).toMatchObject({
      status: "fail",
      message: expect.stringContaining("workers.dev"),
    });
    const compressed = complete();
    compressed.vars.COMPRESSION = undefined;
    expect(statusOf(compressed, "compression")?.status).toBe("warn");
    const noCron = complete();
    noCron.triggers = {};
    expect(statusOf(noCron, "cron")?.status).toBe("warn");
  });

  it("the archive buffer: bound to Stylist's class with its migration, warned about only when the archive is the sink", () => {
    const withBuffer = (bindings: Array<{ name: string; class_name?: string }>, migrations = [{}]) => {
      const config = complete();
      config.vars.SINK = "r2";
      config.r2_buckets = [{ binding: "ARCHIVE", bucket_name: "stylist-archive" }];
      config.durable_objects = { bindings };
      config.migrations = migrations;
      return config;
    };
    const created = [{ tag: "archive-buffer-v1", new_sqlite_classes: ["ArchiveBuffer"] }];
    expect(
      statusOf(
        withBuffer([{ name: "ARCHIVE_BUFFER", class_name: "ArchiveBuffer" }], created),
        "binding:ARCHIVE_BUFFER",
      )?.status,
    ).toBe("ok");
    // An older config that created the class as a KV-backed object still deploys.
    expect(
      statusOf(
        withBuffer(
          [{ name: "ARCHIVE_BUFFER", class_name: "ArchiveBuffer" }],
          [{ tag: "v1", new_classes: ["ArchiveBuffer"] }],
        ),
        "binding:ARCHIVE_BUFFER",
      )?.status,
    ).toBe("ok");
    expect(statusOf(withBuffer([]), "binding:ARCHIVE_BUFFER")).toMatchObject({
      status: "warn",
      message: expect.stringContaining("small Parquet file"),
      fix: expect.stringContaining("stylist init"),
    });
    expect(
      statusOf(
        withBuffer([{ name: "ARCHIVE_BUFFER", class_name: "ArchiveBuffer" }], [{ tag: "x" }]),
        "binding:ARCHIVE_BUFFER",
      ),
    ).toMatchObject({
      status: "fail",
      message: expect.stringContaining("wrangler deploy refuses"),
    });
    expect(
      statusOf(
        withBuffer([{ name: "ARCHIVE_BUFFER", class_name: "Other" }], created),
        "binding:ARCHIVE_BUFFER",
      ),
    ).toMatchObject({
      status: "fail",
      message: expect.stringContaining("class Other"),
    });
    // The D1 sink never reads the buffer: its absence is not a finding.
    expect(statusOf(complete(), "binding:ARCHIVE_BUFFER")).toBeUndefined();
  });

  it("the worker's hosts come from routes and custom domains, whatever their form", () => {
    expect(workerHosts(complete())).toEqual(["shop.test", "www.shop.test"]);
    expect(workerHosts({ ...complete(), routes: undefined, route: "https://Shop.Test:443/*" })).toEqual([
      "shop.test",
    ]);
  });

  it("an ORIGIN_URL on a host the worker is routed on is a loop, named without a request", async () => {
    const [finding] = await originChecks(
      "https://www.shop.test/",
      workerHosts(complete()),
      "https://origin.example.com",
    );
    expect(finding).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/every origin request would come back/),
    });
  });

  it("a placeholder, missing or malformed ORIGIN_URL is named", async () => {
    for (const origin of [undefined, "", "not a url", "https://origin.example.com"]) {
      const [finding] = await originChecks(origin, [], "https://origin.example.com");
      expect(finding?.status, String(origin)).toBe("fail");
    }
  });
});

describe("doctor: secrets", () => {
  it("random secrets of 32 or more characters are strong", () => {
    fc.assert(
      fc.property(fc.integer({ min: 24, max: 64 }), (bytes) => {
        expect(secretWeakness(randomBytes(bytes).toString("base64url"))).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });

  it("short, placeholder and patterned secrets are weak, each with the reason", () => {
    expect(secretWeakness("short")).toMatch(/under the worker's minimum/);
    expect(secretWeakness("abcdefghijklmnopq")).toMatch(/only 17 characters/);
    expect(secretWeakness(`changeme${randomBytes(24).toString("hex")}`)).toMatch(/placeholder/);
    expect(secretWeakness("ab".repeat(20))).toMatch(/distinct characters/);
    expect(secretWeakness("0123456789abcdef".repeat(3))).toMatch(/pattern repeated/);
  });

  it("a missing required secret fails, a missing optional one is skipped, names alone cannot be judged weak", () => {
    const specs = [
      { name: "VISITOR_SECRET", required: true, purpose: "p" },
      { name: "SERVER_EVENTS_SECRET", required: false, purpose: "q" },
    ];
    expect(secretChecks(specs, { values: {} }, false).map((f) => f.status)).toEqual(["fail", "skip"]);
    expect(secretChecks(specs, { names: new Set(["VISITOR_SECRET"]) }, true).map((f) => f.status)).toEqual([
      "ok",
      "skip",
    ]);
    expect(secretChecks(specs, { values: { VISITOR_SECRET: "x" } }, true)[0]?.fix).toMatch(
      /wrangler secret put VISITOR_SECRET/,
    );
  });

  it(".dev.vars is read as wrangler reads it: quotes dropped, comments ignored", () => {
    expect(parseDevVars("# c\nA=1\nB = \"two words\"\n  C='3'\nnot a line\n")).toEqual({
      A: "1",
      B: "two words",
      C: "3",
    });
  });
});
