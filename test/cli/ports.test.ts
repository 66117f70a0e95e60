import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localOrigin, localSite } from "../../src/cli/local-ports.ts";
import { freePort } from "../support/free-port.ts";
import { runCli } from "../support/run-cli.ts";

const SECRET = "ports-test-secret-0123456789";

describe("PORT and ORIGIN_PORT, read as npm start reads them", { timeout: 120_000 }, () => {
  let state: string;
  let origin: Server;
  let originPort: number;
  const originPaths: string[] = [];

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), "stylist-ports-"));
    originPort = await freePort();
    origin = createServer((request, response) => {
      originPaths.push(request.url ?? "");
      response.writeHead(200, { "content-type": "text/html" }).end("<html><body><h1>shop</h1></body></html>");
    });
    await new Promise<void>((resolve) => origin.listen(originPort, "127.0.0.1", resolve));
  });
  afterAll(() => {
    origin?.close();
    rmSync(state, { recursive: true, force: true });
  });

  it("rewrite only a local origin, and refuse a port that is not one", () => {
    expect(localSite({})).toBe("http://127.0.0.1:8787");
    expect(localSite({ PORT: "9100" })).toBe("http://127.0.0.1:9100");
    expect(localOrigin("http://127.0.0.1:8788", { ORIGIN_PORT: "9101" })).toBe("http://127.0.0.1:9101");
    expect(localOrigin("https://shop.example", { ORIGIN_PORT: "9101" })).toBe("https://shop.example");
    expect(localOrigin("http://127.0.0.1:8788", {})).toBe("http://127.0.0.1:8788");
    expect(() => localSite({ PORT: "eighty" })).toThrow(/PORT must be a port number/);
  });

  it("simulate fetches the page from ORIGIN_PORT", async () => {
    const result = await runCli(["simulate", "--url", "http://127.0.0.1:9/ports-probe", "--secret", SECRET], {
      ORIGIN_PORT: String(originPort),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(originPaths).toContain("/ports-probe");
  });

  it("preview prints a link on PORT", async () => {
    const pushed = await runCli(["push", "-m", "ports", "--persist-to", state]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const result = await runCli(
      ["preview", "usp-social-proof", "rating", "--secret", SECRET, "--persist-to", state],
      { PORT: "9123" },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^http:\/\/127\.0\.0\.1:9123\/\?stylist_preview=/);
  });
});
