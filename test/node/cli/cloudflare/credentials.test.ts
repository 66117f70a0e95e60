import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findCredentials, wranglerAuthFile } from "../../../../src/cli/cloudflare/credentials.ts";

const homes: string[] = [];
function home(): string {
  const dir = mkdtempSync(join(tmpdir(), "stylist-home-"));
  homes.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date("2026-12-06T00:00:00Z");
const login = (token: string, expires: string) =>
  `oauth_token = "${token}"\nexpiration_time = "${expires}"\nrefresh_token = "r"\nscopes = ["account:read"]\n`;

describe("credentials: CLOUDFLARE_API_TOKEN or wrangler's login", () => {
  it("the environment's token wins over a wrangler login", () => {
    const dir = home();
    mkdirSync(join(dir, ".wrangler", "config"), { recursive: true });
    writeFileSync(join(dir, ".wrangler", "config", "default.toml"), login("oauth", "2027-01-01T00:00:00Z"));
    expect(findCredentials({ CLOUDFLARE_API_TOKEN: " tok " }, { home: dir, now: NOW })).toEqual({
      token: "tok",
      source: "CLOUDFLARE_API_TOKEN",
    });
  });

  it("reads wrangler's OAuth token from ~/.wrangler when that folder exists, else from the XDG config folder", () => {
    const legacy = home();
    mkdirSync(join(legacy, ".wrangler", "config"), { recursive: true });
    writeFileSync(
      join(legacy, ".wrangler", "config", "default.toml"),
      login("legacy-token", "2027-01-01T00:00:00Z"),
    );
    expect(findCredentials({}, { home: legacy, now: NOW }).token).toBe("legacy-token");

    const xdg = home();
    const file = wranglerAuthFile({}, xdg);
    expect(file).toBe(join(xdg, ".config", ".wrangler", "config", "default.toml"));
    mkdirSync(join(xdg, ".config", ".wrangler", "config"), { recursive: true });
    writeFileSync(file, login("xdg-token", "2027-01-01T00:00:00Z"));
    expect(findCredentials({}, { home: xdg, now: NOW }).token).toBe("xdg-token");
    expect(wranglerAuthFile({ XDG_CONFIG_HOME: "/x" }, xdg)).toBe("/x/.wrangler/config/default.toml");
    expect(wranglerAuthFile({ WRANGLER_API_ENVIRONMENT: "staging" }, xdg)).toMatch(/staging\.toml$/);
  });

  it("an expired or expiry-less login is refused with what to run", () => {
    const dir = home();
    mkdirSync(join(dir, ".wrangler", "config"), { recursive: true });
    const file = join(dir, ".wrangler", "config", "default.toml");
    writeFileSync(file, login("old", "2026-01-01T00:00:00Z"));
    expect(() => findCredentials({}, { home: dir, now: NOW })).toThrow(
      /has expired: run `npx wrangler whoami`/,
    );
    writeFileSync(file, `oauth_token = "no-expiry"\n`);
    expect(() => findCredentials({}, { home: dir, now: NOW })).toThrow(/has expired/);
  });

  it("no token anywhere says both ways to get one; a keyring-encrypted login says it cannot be read", () => {
    const dir = home();
    expect(() => findCredentials({}, { home: dir, now: NOW })).toThrow(
      /set CLOUDFLARE_API_TOKEN .* or run `npx wrangler login`/,
    );
    mkdirSync(join(dir, ".wrangler", "config"), { recursive: true });
    writeFileSync(join(dir, ".wrangler", "config", "default.enc"), "encrypted");
    expect(() => findCredentials({}, { home: dir, now: NOW })).toThrow(/OS keyring/);
  });

  it("a broken auth file is an error, never a crash or a guess", () => {
    const dir = home();
    mkdirSync(join(dir, ".wrangler", "config"), { recursive: true });
    writeFileSync(join(dir, ".wrangler", "config", "default.toml"), "oauth_token = ");
    expect(() => findCredentials({}, { home: dir, now: NOW })).toThrow(/not valid TOML/);
  });
});
