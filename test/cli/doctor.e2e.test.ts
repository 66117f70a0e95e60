import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWrangler } from "../../demo/wrangler-process.ts";
import { useDemoStack } from "../support/demo-stack.ts";
import { freePort } from "../support/free-port.ts";
import { runCli } from "../support/run-cli.ts";
import { startWranglerDev, type WranglerDev } from "../support/wrangler-dev.ts";

interface Finding {
  check: string;
  status: "ok" | "warn" | "fail" | "skip";
  message: string;
  fix?: string;
}

async function doctor(args: string[], cwd?: string, env: Record<string, string> = {}) {
  const result = await runCli(["doctor", "--json", ...args], env, undefined, cwd);
  const parsed = JSON.parse(result.stdout) as { healthy: boolean; findings: Finding[] };
  const byCheck = (check: string) => parsed.findings.find((finding) => finding.check === check);
  return { ...result, ...parsed, byCheck };
}

describe("stylist doctor against the demo", () => {
  const stack = useDemoStack();

  it("passes: every binding, migration, secret, the origin, the rules, a page and the queue", async () => {
    const origin = new URL(stack.demo.originUrl);
    const result = await doctor(["--persist-to", stack.state, "--url", stack.demo.proxyUrl], undefined, {
      ORIGIN_PORT: origin.port,
    });
    expect(
      result.findings.filter((f) => f.status === "fail"),
      result.stderr,
    ).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.healthy).toBe(true);
    for (const check of [
      "binding:RULES",
      "binding:DB",
      "binding:EVENTS",
      "migrations",
      "rules",
      "secret:VISITOR_SECRET",
      "origin",
      "worker",
      "queue",
    ])
      expect(result.byCheck(check)?.status, check).toBe("ok");
  });
});

describe("stylist doctor on a project stylist init wrote", () => {
  const project = mkdtempSync(join(tmpdir(), "stylist-doctor-"));
  const state = mkdtempSync(join(tmpdir(), "stylist-doctor-state-"));
  const empty = mkdtempSync(join(tmpdir(), "stylist-doctor-empty-"));
  let origin: Server;
  let originUrl = "";
  let worker: WranglerDev | undefined;
  const config = () => readFileSync(join(project, "wrangler.toml"), "utf8");
  const planted = (name: string, edit: (text: string) => string) => {
    writeFileSync(join(project, name), edit(config()));
    return name;
  };

  beforeAll(async () => {
    origin = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><h1>Our shop</h1>");
    });
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    const address = origin.address();
    originUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const init = await runCli(["init", project, "--origin", originUrl]);
    expect(init.code, init.stderr).toBe(0);
    writeFileSync(
      join(project, "wrangler.toml"),
      config().replace('SINK = "d1"', 'SINK = "d1"\nSERVER_TIMING = "1"\nCOMPRESSION = "front-line"'),
    );
    await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], project);
    const push = await runCli(["push", "--persist-to", state], {}, undefined, project);
    expect(push.code, push.stderr).toBe(0);
    worker = await startWranglerDev({ originUrl, persistTo: state, port: await freePort(), cwd: project });
  }, 300_000);

  afterAll(async () => {
    await worker?.stop();
    await new Promise((resolve) => origin.close(resolve));
    for (const dir of [project, state, empty]) rmSync(dir, { recursive: true, force: true });
  });

  it("a correct setup passes with nothing to fix, Stylist's Server-Timing seen and a probe event through the queue", async () => {
    const result = await doctor(["--persist-to", state, "--url", worker?.url ?? ""], project);
    expect(
      result.findings.filter((f) => f.status !== "ok" && f.status !== "skip"),
      result.stderr,
    ).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.byCheck("server-timing")?.status).toBe("ok");
    expect(result.byCheck("queue")?.status).toBe("ok");
  });

  it("names each planted misconfiguration with its fix", async () => {
    const url = worker?.url ?? "";
    const config = planted("wrangler.planted.toml", (text) =>
      text
        .replace(/^consumers = \[.*\]\n/m, "")
        .replace(`ORIGIN_URL = "${originUrl}"`, `ORIGIN_URL = "${url}"`),
    );
    // A fresh state directory: no migrations applied, no rules pushed. A weak secret in the environment.
    const result = await doctor(["--config", config, "--persist-to", empty, "--url", url], project, {
      VISITOR_SECRET: "changeme-changeme",
    });
    expect(result.code).toBe(1);
    const expectations: Array<[string, RegExp, RegExp]> = [
      ["binding:EVENTS", /does not consume it/, /\[\[queues\.consumers\]\]/],
      [
        "migrations",
        /4 D1 migration\(s\) not applied: 0001_events\.sql/,
        /wrangler d1 migrations apply DB --local/,
      ],
      ["rules", /no rules pushed/, /npx stylist push/],
      ["secret:VISITOR_SECRET", /is weak/, /openssl rand/],
      ["origin", /is routed to the worker itself/, /ORIGIN_URL/],
    ];
    for (const [check, message, fix] of expectations) {
      const finding = result.byCheck(check);
      expect(finding?.status, check).toBe("fail");
      expect(finding?.message).toMatch(message);
      expect(finding?.fix).toMatch(fix);
    }
  });

  it("names a missing binding, a missing or weak secret and an unreachable origin", async () => {
    // Its own folder, so its own .dev.vars: no VISITOR_SECRET, a short SERVER_EVENTS_SECRET.
    const planted = join(project, "planted");
    mkdirSync(planted);
    writeFileSync(
      join(planted, "wrangler.toml"),
      config()
        .replace(/\[\[kv_namespaces\]\]\nbinding = "RULES"\nid = "0+"\n/, "")
        .replace(originUrl, "http://127.0.0.1:9"),
    );
    writeFileSync(join(planted, ".dev.vars"), "SERVER_EVENTS_SECRET=short\n");
    const result = await doctor(
      ["--config", join(planted, "wrangler.toml"), "--url", worker?.url ?? ""],
      planted,
    );
    expect(result.code).toBe(1);
    expect(result.byCheck("binding:RULES")).toMatchObject({ status: "fail", fix: "npx stylist init" });
    expect(result.byCheck("secret:VISITOR_SECRET")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/not set/),
    });
    expect(result.byCheck("secret:SERVER_EVENTS_SECRET")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/under the worker's minimum of 16/),
    });
    expect(result.byCheck("origin")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/does not answer/),
    });
    // Without RULES the state cannot be opened; doctor says so rather than guessing.
    expect(result.byCheck("state")?.status).toBe("skip");
  });
});
