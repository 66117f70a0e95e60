import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.ts";

/** `stylist validate` prints, when settings.pageCache is on, which requests are never shared (issue 12 item 4). */
const dir = mkdtempSync(join(tmpdir(), "stylist-validate-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rules(pageCache: Record<string, unknown>) {
  const at = mkdtempSync(join(dir, "rules-"));
  writeFileSync(join(at, "settings.json"), JSON.stringify({ settings: { pageCache } }));
  return at;
}

describe("validate with the page cache on", () => {
  it("says the rule that keeps one visitor's page from another: Authorization, the shop's cookies, CDN fields", async () => {
    const result = await runCli(["validate", "--dir", rules({ enabled: true, maxSeconds: 30 })]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("page cache: on, each rendering kept at most 30 s");
    expect(result.stdout).toContain("scheme, host, path and query");
    expect(result.stdout).toContain("never kept or served for a request with Authorization");
    expect(result.stdout).toContain("cookies other than Stylist's and the consent cookie on every page");
    expect(result.stdout).toContain("CDN-Cache-Control, Cloudflare-CDN-Cache-Control or Surrogate-Control");
  }, 60_000);

  it("names the pages the rules declare cookie-blind, and says nothing about the cache when it is off", async () => {
    const on = await runCli([
      "validate",
      "--dir",
      rules({ enabled: true, ignoreCookiesOn: ["/products/*"] }),
    ]);
    expect(on.stdout).toContain("except on /products/* (settings.pageCache.ignoreCookiesOn)");
    const off = await runCli(["validate", "--dir", rules({ enabled: false })]);
    expect(off.code).toBe(0);
    expect(off.stdout).not.toContain("page cache");
  }, 60_000);
});
