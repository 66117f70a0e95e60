import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWrangler } from "../../demo/wrangler-process.ts";
import { freePort } from "../support/free-port.ts";
import { ROOT, runCli } from "../support/run-cli.ts";
import { startWranglerDev, type WranglerDev } from "../support/wrangler-dev.ts";

const SHOP_PAGE =
  "<!doctype html><html><head><title>Our shop</title></head><body><h1>Our shop</h1></body></html>";

const snapshot = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.parentPath.includes(".wrangler"))
      .map((entry) => [
        join(entry.parentPath, entry.name),
        readFileSync(join(entry.parentPath, entry.name), "utf8"),
      ]),
  );

describe("stylist init in an empty folder", () => {
  const project = mkdtempSync(join(tmpdir(), "stylist-init-"));
  const state = mkdtempSync(join(tmpdir(), "stylist-init-state-"));
  let origin: Server;
  let originUrl = "";
  let worker: WranglerDev | undefined;

  beforeAll(async () => {
    origin = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(SHOP_PAGE);
    });
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    const address = origin.address();
    originUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await worker?.stop();
    await new Promise((resolve) => origin.close(resolve));
    rmSync(project, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });

  it("--dry-run prints the plan and writes nothing", async () => {
    const result = await runCli(["init", project, "--origin", originUrl, "--dry-run"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      "[[queues.consumers]] stylist-events, dead letters to stylist-events-dlq",
    );
    expect(result.stdout).toContain("Dry run: nothing was changed.");
    expect(readdirSync(project)).toEqual([]);
  });

  it("writes a project that validates, and a second run changes nothing and says so", async () => {
    const first = await runCli(["init", project, "--origin", originUrl]);
    expect(first.code, first.stderr).toBe(0);
    expect(readdirSync(project).sort()).toEqual([".dev.vars", ".gitignore", "rules", "wrangler.toml"]);
    const written = snapshot(project);

    const second = await runCli(["init", project, "--origin", originUrl]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("Nothing to do");
    expect(snapshot(project)).toEqual(written);

    const validate = await runCli(["validate"], {}, undefined, project);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain("ok: 1 experiment(s)");
  });

  it("serves the shop through the worker locally, as `wrangler dev` in the project does", async () => {
    await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], project);
    const push = await runCli(["push", "-m", "starter", "--persist-to", state], {}, undefined, project);
    expect(push.code, push.stderr).toBe(0);
    worker = await startWranglerDev({ originUrl, persistTo: state, port: await freePort(), cwd: project });
    const health = await fetch(`${worker.url}/_stylist/health`);
    expect(await health.json()).toEqual({ ok: true });
    const page = await fetch(`${worker.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(SHOP_PAGE);
    expect(worker.faults()).toEqual([]);
  });
});

describe("stylist init in an existing wrangler project", () => {
  it("keeps the user's settings and comments, adds Stylist's, and leaves existing rules alone", async () => {
    const project = mkdtempSync(join(tmpdir(), "stylist-init-existing-"));
    try {
      const config = `# our edge config\nname = "shop-edge" # the worker\n\n[vars]\nORIGIN_URL = "https://origin.shop.test" # private origin\n`;
      writeFileSync(join(project, "wrangler.toml"), config);
      const result = await runCli(["init", project]);
      expect(result.code, result.stderr).toBe(0);
      const text = readFileSync(join(project, "wrangler.toml"), "utf8");
      for (const kept of ["# our edge config", 'name = "shop-edge" # the worker', "# private origin"])
        expect(text).toContain(kept);
      expect(text).toContain('binding = "RULES"');
      expect(text).not.toContain("origin.example.com");
      // Rules the project already has are never replaced by the starter.
      writeFileSync(
        join(project, "rules", "starter.json"),
        readFileSync(join(ROOT, "rules", "home.json"), "utf8"),
      );
      const again = await runCli(["init", project]);
      expect(again.stdout).toContain("Nothing to do");
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it("refuses a wrangler.jsonc project and writes nothing", async () => {
    const project = mkdtempSync(join(tmpdir(), "stylist-init-jsonc-"));
    try {
      writeFileSync(join(project, "wrangler.jsonc"), '{ "name": "x" }');
      const result = await runCli(["init", project]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/edits wrangler\.toml only/);
      expect(readdirSync(project)).toEqual(["wrangler.jsonc"]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
