import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "@decimalturn/toml-patch";

/**
 * The API token for `--remote`: CLOUDFLARE_API_TOKEN, else the OAuth token `wrangler login` keeps. The file's place
 * and shape are wrangler's own (4.x, workers-auth's FileCredentialStore): `<config dir>/config/<profile>.toml` with
 * `oauth_token` and `expiration_time`, where the config dir is `~/.wrangler` when that exists, else
 * `$XDG_CONFIG_HOME/.wrangler` (`~/.config/.wrangler`), and the profile is `default` (`staging` when
 * WRANGLER_API_ENVIRONMENT=staging). We only read it: an expired token is refreshed by any wrangler command.
 */

export interface Credentials {
  token: string;
  /** Where the token came from, for messages: never the token itself. */
  source: string;
}

export function wranglerAuthFile(env: Record<string, string | undefined>, home = homedir()): string {
  const legacy = join(home, ".wrangler");
  const isDirectory = existsSync(legacy) && statSync(legacy).isDirectory();
  const configDir = isDirectory ? legacy : join(env.XDG_CONFIG_HOME || join(home, ".config"), ".wrangler");
  const profile = env.WRANGLER_API_ENVIRONMENT === "staging" ? "staging" : "default";
  return join(configDir, "config", `${profile}.toml`);
}

class CredentialsError extends Error {
  override name = "CredentialsError";
}

const HOW =
  "set CLOUDFLARE_API_TOKEN (an API token from https://dash.cloudflare.com/profile/api-tokens) or run `npx wrangler login`";

/** The token to use, or a CredentialsError that says what to do. `now` is injectable for tests. */
export function findCredentials(
  env: Record<string, string | undefined>,
  options: { home?: string; now?: Date } = {},
): Credentials {
  const fromEnv = env.CLOUDFLARE_API_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: "CLOUDFLARE_API_TOKEN" };
  const file = wranglerAuthFile(env, options.home);
  if (!existsSync(file)) {
    const encrypted = file.replace(/\.toml$/, ".enc");
    if (existsSync(encrypted)) {
      throw new CredentialsError(
        `wrangler keeps its login encrypted in the OS keyring (${encrypted}), which Stylist cannot read: ` +
          "set CLOUDFLARE_API_TOKEN instead",
      );
    }
    throw new CredentialsError(`no Cloudflare credentials: ${HOW}`);
  }
  let stored: { oauth_token?: unknown; expiration_time?: unknown };
  try {
    stored = parse(readFileSync(file, "utf8")) as typeof stored;
  } catch (error) {
    throw new CredentialsError(`${file} is not valid TOML (${(error as Error).message}): ${HOW}`);
  }
  const token = typeof stored.oauth_token === "string" ? stored.oauth_token.trim() : "";
  if (!token) throw new CredentialsError(`${file} holds no wrangler login: ${HOW}`);
  // wrangler treats a login without an expiry as expired; so do we.
  const expiry = typeof stored.expiration_time === "string" ? new Date(stored.expiration_time) : undefined;
  if (!expiry || Number.isNaN(expiry.getTime()) || expiry <= (options.now ?? new Date())) {
    throw new CredentialsError(
      `the wrangler login in ${file} has expired: run \`npx wrangler whoami\` (which refreshes it) or ` +
        "`npx wrangler login`, or set CLOUDFLARE_API_TOKEN",
    );
  }
  return { token, source: `wrangler login (${file})` };
}
