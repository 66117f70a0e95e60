import Cloudflare from "cloudflare";
import { type Credentials, findCredentials } from "./credentials.ts";

/**
 * The official Cloudflare SDK, set up the way the CLI uses it: a token from the environment or wrangler's login, the
 * base URL from CLOUDFLARE_API_BASE_URL (the tests' local fake), and the account from CLOUDFLARE_ACCOUNT_ID, the
 * wrangler config's `account_id`, or the token's only account.
 */

export interface Account {
  client: Cloudflare;
  accountId: string;
  credentials: Credentials;
}

export interface AccountOptions {
  env: Record<string, string | undefined>;
  /** `account_id` from wrangler.toml, when it has one. */
  configAccountId?: string | undefined;
  home?: string;
}

function cloudflareClient(credentials: Credentials, env: Record<string, string | undefined>): Cloudflare {
  const baseURL = env.CLOUDFLARE_API_BASE_URL?.trim();
  return new Cloudflare({
    apiToken: credentials.token,
    // The SDK would otherwise also read CLOUDFLARE_API_KEY / CLOUDFLARE_EMAIL and send them beside the token.
    apiKey: null,
    apiEmail: null,
    ...(baseURL ? { baseURL } : {}),
    maxRetries: 3,
    timeout: 30_000,
  });
}

export async function openAccount(options: AccountOptions): Promise<Account> {
  const credentials = findCredentials(options.env, options.home ? { home: options.home } : {});
  const client = cloudflareClient(credentials, options.env);
  const configured = options.env.CLOUDFLARE_ACCOUNT_ID?.trim() || options.configAccountId?.trim();
  if (configured) return { client, accountId: configured, credentials };
  const accounts: Array<{ id: string; name: string }> = [];
  for await (const account of client.accounts.list()) accounts.push({ id: account.id, name: account.name });
  if (accounts.length === 1 && accounts[0]) return { client, accountId: accounts[0].id, credentials };
  const names = accounts.map((account) => `${account.name} (${account.id})`).join(", ");
  throw new Error(
    accounts.length === 0
      ? `the token from ${credentials.source} can see no account: set CLOUDFLARE_ACCOUNT_ID`
      : `the token can see ${accounts.length} accounts (${names}): set CLOUDFLARE_ACCOUNT_ID or account_id in wrangler.toml`,
  );
}

/** The API's own words for a failed call, without the token: `[code] message` for each error it gave. */
export function describeApiError(error: unknown): string {
  if (error instanceof Cloudflare.APIError) {
    const details = (error.errors ?? [])
      .map(
        (detail) =>
          `[${(detail as { code?: number }).code ?? "?"}] ${(detail as { message?: string }).message ?? ""}`,
      )
      .join("; ");
    const status = error.status ? `HTTP ${error.status}` : "no answer";
    const hint =
      error.status === 401 || error.status === 403
        ? " — the token was refused or lacks a permission this needs (docs/remote-mode.md lists them)"
        : "";
    return `${status}${details ? `: ${details}` : ""}${hint}`;
  }
  return error instanceof Error ? error.message : String(error);
}
