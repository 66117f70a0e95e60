import type { RuleStore } from "../../rules/store.ts";
import {
  type ApiErrorDetail,
  CloudflareApiError,
  cloudflareClient,
  DEFAULT_API_BASE_URL,
} from "./cloudflare-api.ts";
import type { Backend, SqlRunner } from "./types.ts";

/** `--remote`: the rules in Workers KV and the analytics in D1 of a real account, over the REST API. */

export interface RemoteOptions {
  accountId: string;
  apiToken: string;
  /** wrangler.toml: the `id` of the kv_namespaces entry with binding RULES. */
  kvNamespaceId: string;
  /** wrangler.toml: the `database_id` of the d1_databases entry with binding DB. */
  d1DatabaseId: string;
  /** Defaults to https://api.cloudflare.com/client/v4. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

const KV_PERMISSION = "Workers KV Storage:Edit";
const D1_PERMISSION = "D1:Edit";
// KV answers a missing key with 404 and code 10009. A 404 with any other code (10013: namespace not found, or a
// wrong account) is a misconfiguration, and reading it as "no such key" would make a wrong id look like an empty
// namespace.
const KEY_NOT_FOUND = 10009;
const isKeyNotFound = (errors: ApiErrorDetail[]) => errors.every((error) => error.code === KEY_NOT_FOUND);

interface KvKey {
  name: string;
  metadata?: unknown;
}

interface D1Result<Row> {
  results?: Row[];
  success?: boolean;
}

export function openRemoteBackend(options: RemoteOptions): Backend {
  const api = cloudflareClient({
    baseUrl: options.baseUrl ?? DEFAULT_API_BASE_URL,
    apiToken: options.apiToken,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const account = `/accounts/${encodeURIComponent(options.accountId)}`;
  const namespace = `${account}/storage/kv/namespaces/${encodeURIComponent(options.kvNamespaceId)}`;
  const database = `${account}/d1/database/${encodeURIComponent(options.d1DatabaseId)}`;
  const valuePath = (key: string) => `${namespace}/values/${encodeURIComponent(key)}`;

  const rules: RuleStore = {
    async get(key) {
      const response = await api.send({
        method: "GET",
        path: valuePath(key),
        permission: KV_PERMISSION,
        notFoundIsAnswer: isKeyNotFound,
      });
      return response === null ? null : response.text();
    },

    async put(key, value, metadata) {
      // Metadata can only travel in a multipart body; using it for every write keeps one code path.
      const form = new FormData();
      form.set("value", value);
      if (metadata) form.set("metadata", JSON.stringify(metadata));
      await api.json({ method: "PUT", path: valuePath(key), body: form, permission: KV_PERMISSION });
    },

    async list(prefix) {
      const keys: KvKey[] = [];
      let cursor = "";
      do {
        const query: Record<string, string> = { prefix, limit: "1000" };
        if (cursor) query.cursor = cursor;
        const page = await api.json<KvKey[]>({
          method: "GET",
          path: `${namespace}/keys`,
          query,
          permission: KV_PERMISSION,
        });
        if (!Array.isArray(page.result)) {
          throw new CloudflareApiError(`Cloudflare API GET ${namespace}/keys returned no list of keys.`);
        }
        for (const { name, metadata } of page.result)
          keys.push(metadata === undefined ? { name } : { name, metadata });
        cursor = page.result_info?.cursor ?? "";
      } while (cursor);
      return keys;
    },
  };

  const sink: SqlRunner = {
    async query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
      const path = `${database}/query`;
      const envelope = await api.json<Array<D1Result<Row>>>({
        method: "POST",
        path,
        body: JSON.stringify({ sql, params }),
        permission: D1_PERMISSION,
      });
      const first = Array.isArray(envelope.result) ? envelope.result[0] : undefined;
      if (!first || first.success === false || !Array.isArray(first.results)) {
        throw new CloudflareApiError(`Cloudflare API POST ${path} returned no result set for the query.`);
      }
      return first.results;
    },
  };

  return { mode: "remote", rules, sink, close: async () => {} };
}

// wrangler.toml ships with all-zero ids until `wrangler kv namespace create` / `wrangler d1 create` are run.
const isPlaceholderId = (id: string) => /^[0-]*$/.test(id.trim());

/** Remote options from the environment, or an Error that says exactly what to set. Never echoes the token. */
export function remoteOptionsFromEnv(
  env: Record<string, string | undefined>,
  ids: { kvNamespaceId: string; d1DatabaseId: string },
): RemoteOptions {
  const apiToken = env.CLOUDFLARE_API_TOKEN?.trim() ?? "";
  const accountId = env.CLOUDFLARE_ACCOUNT_ID?.trim() ?? "";
  const missing: string[] = [];
  if (!apiToken) missing.push("CLOUDFLARE_API_TOKEN");
  if (!accountId) missing.push("CLOUDFLARE_ACCOUNT_ID");
  if (missing.length > 0) {
    throw new Error(
      `--remote needs ${missing.join(" and ")} in the environment. ` +
        "CLOUDFLARE_API_TOKEN: create an API token at https://dash.cloudflare.com/profile/api-tokens with the " +
        `account permissions "${KV_PERMISSION}" and "${D1_PERMISSION}". ` +
        "CLOUDFLARE_ACCOUNT_ID: shown by `npx wrangler whoami` and on the account's dashboard overview.",
    );
  }
  if (isPlaceholderId(ids.kvNamespaceId)) {
    throw new Error(
      "wrangler.toml still has the placeholder id for the RULES KV namespace. " +
        "Run `npx wrangler kv namespace create stylist-rules` and put its id in [[kv_namespaces]] (binding RULES).",
    );
  }
  if (isPlaceholderId(ids.d1DatabaseId)) {
    throw new Error(
      "wrangler.toml still has the placeholder database_id for the DB D1 database. " +
        "Run `npx wrangler d1 create stylist` and put its database_id in [[d1_databases]] (binding DB).",
    );
  }
  const baseUrl = env.CLOUDFLARE_API_BASE_URL?.trim();
  return {
    accountId,
    apiToken,
    kvNamespaceId: ids.kvNamespaceId.trim(),
    d1DatabaseId: ids.d1DatabaseId.trim(),
    ...(baseUrl ? { baseUrl } : {}),
  };
}
