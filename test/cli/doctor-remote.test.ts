import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "@decimalturn/toml-patch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeCloudflareApi, startFakeCloudflareApi } from "../support/fake-cloudflare-api.ts";
import { runCli } from "../support/run-cli.ts";

const TOKEN = "test-token-doctor";
const ACCOUNT = "acc0doctor";

interface Finding {
  check: string;
  status: string;
  message: string;
  fix?: string;
}

describe("stylist doctor --remote, against the local fake of the Cloudflare API (never a real account)", () => {
  let fake: FakeCloudflareApi;
  let origin: Server;
  const project = mkdtempSync(join(tmpdir(), "stylist-doctor-remote-"));
  let workerName = "";
  const env = () => ({
    CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    CLOUDFLARE_API_BASE_URL: fake.baseUrl,
  });
  const doctor = async () => {
    const result = await runCli(
      ["doctor", "--remote", "--json", "--url", "http://127.0.0.1:9"],
      env(),
      undefined,
      project,
    );
    const findings = (JSON.parse(result.stdout) as { findings: Finding[] }).findings;
    return { ...result, find: (check: string) => findings.find((finding) => finding.check === check) };
  };

  beforeAll(async () => {
    fake = await startFakeCloudflareApi({ token: TOKEN, accountId: ACCOUNT, sqlite: true });
    origin = createServer((_request, response) =>
      response.writeHead(200, { "content-type": "text/html" }).end("<h1>shop</h1>"),
    );
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    const address = origin.address();
    const originUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const init = await runCli(["init", project, "--remote", "--origin", originUrl], env());
    expect(init.code, init.stderr).toBe(0);
    const path = join(project, "wrangler.toml");
    // Deployed on a custom domain; a root key, so it goes before the first table.
    writeFileSync(
      path,
      `routes = [ { pattern = "shop.test", custom_domain = true } ]\n${readFileSync(path, "utf8")}`,
    );
    workerName = (parse(readFileSync(path, "utf8")) as { name: string }).name;
    // As `wrangler deploy` would leave it, then `init --remote` again sets the secret.
    fake.scripts.set(workerName, new Map());
    expect((await runCli(["init", project, "--remote"], env())).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await fake.close();
    await new Promise((resolve) => origin.close(resolve));
    rmSync(project, { recursive: true, force: true });
  });

  it("finds the account's resources, applied migrations, the secret, the routes and an empty dead-letter queue", async () => {
    const push = await runCli(["push", "--remote", "-m", "first"], env(), undefined, project);
    expect(push.code, push.stderr).toBe(0);
    const result = await doctor();
    for (const check of [
      "account:RULES",
      "account:DB",
      "migrations",
      "rules",
      "secret:VISITOR_SECRET",
      "routes",
      "queue",
      "queue:dead-letter",
      "origin",
    ])
      expect(result.find(check)?.status, `${check}: ${result.find(check)?.message}`).toBe("ok");
    expect(result.find("secret:VISITOR_SECRET")?.message).toMatch(/cannot be read back/);
  });

  it("names dead letters, a backlog, a missing secret, unpushed rules and a namespace gone from the account", async () => {
    fake.backlog.set("stylist-events-dlq", 3);
    fake.backlog.set("stylist-events", 5_000);
    fake.scripts.get(workerName)?.clear();
    fake.kv.clear();
    let result = await doctor();
    expect(result.code).toBe(1);
    expect(result.find("queue:dead-letter")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/3 message\(s\) in the dead-letter queue/),
    });
    expect(result.find("queue")).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/5000 message\(s\) waiting/),
    });
    expect(result.find("secret:VISITOR_SECRET")).toMatchObject({
      status: "fail",
      fix: expect.stringMatching(/wrangler secret put VISITOR_SECRET/),
    });
    expect(result.find("rules")).toMatchObject({ status: "fail", fix: "npx stylist push --remote" });

    fake.namespaces.clear();
    result = await doctor();
    expect(result.find("account:RULES")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/does not exist in account/),
    });
  });
});
