import { remoteArchive } from "./archive/remote-archive.ts";
import { CLIError, EXIT } from "./errors.ts";
import { readProjectConfig } from "./project.ts";
import type { Backend } from "./stores/types.ts";

/** Flags every command that reads or writes state accepts. Local is the default, as in wrangler 4. */
export const backendArgs = {
  config: { type: "string", description: "Path to wrangler.toml", default: "wrangler.toml" },
  local: { type: "boolean", description: "Use the local state that `wrangler dev` uses (default)" },
  remote: {
    type: "boolean",
    description:
      "Use the Cloudflare account (CLOUDFLARE_API_TOKEN or `wrangler login`; CLOUDFLARE_ACCOUNT_ID)",
  },
  "persist-to": {
    type: "string",
    description: "Local state directory, as given to `wrangler dev --persist-to`",
  },
} as const;

export interface BackendFlags {
  config: string;
  local?: boolean;
  remote?: boolean;
  "persist-to"?: string;
}

async function openBackend(flags: BackendFlags): Promise<Backend> {
  if (flags.local && flags.remote) throw new CLIError("choose one of --local and --remote", EXIT.invalid);
  const project = await readProjectConfig(flags.config);
  if (!flags.remote) {
    const { openLocalBackend } = await import("./stores/local.ts");
    return openLocalBackend(project.configPath, flags["persist-to"]);
  }
  const { openRemoteBackend, remoteIds } = await import("./stores/remote.ts");
  const { openAccount, describeApiError } = await import("./cloudflare/client.ts");
  let ids: ReturnType<typeof remoteIds>;
  let account: Awaited<ReturnType<typeof openAccount>>;
  try {
    ids = remoteIds({ kvNamespaceId: project.kvNamespaceId, d1DatabaseId: project.d1DatabaseId });
    account = await openAccount({ env: process.env, configAccountId: project.accountId });
  } catch (error) {
    throw new CLIError(describeApiError(error), EXIT.invalid);
  }
  const baseUrl = process.env.CLOUDFLARE_API_BASE_URL?.trim();
  const backend = openRemoteBackend({
    accountId: account.accountId,
    apiToken: account.credentials.token,
    ...ids,
    ...(baseUrl ? { baseUrl } : {}),
  });
  const archive = await remoteArchive(project.archiveBucket, account.accountId, process.env);
  return archive ? { ...backend, archive } : backend;
}

/** Opens the backend for one command and always closes it, so a failed command leaves no workerd running. */
export async function withBackend<T>(flags: BackendFlags, use: (backend: Backend) => Promise<T>): Promise<T> {
  const backend = await openBackend(flags);
  try {
    return await use(backend);
  } finally {
    await backend.close();
  }
}

/** A sink query's failure, explained when the tables are missing (migrations not applied), else passed on. */
export function missingTables(backend: Backend) {
  return (error: Error): never => {
    if (/no such table/i.test(error.message)) {
      const flag = backend.mode === "local" ? "--local" : "--remote";
      throw new CLIError(
        `the sink is missing tables: run \`npx wrangler d1 migrations apply DB ${flag}\``,
        EXIT.failed,
      );
    }
    throw error;
  };
}
