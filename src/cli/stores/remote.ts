import Cloudflare from "cloudflare";
import type { RuleStore } from "../../rules/store.ts";
import { isPlaceholderId } from "../init/wrangler-config.ts";
import type { Backend, SqlRunner } from "./types.ts";

/**
 * `--remote`: the rules in Workers KV and the analytics in D1 of a real account, through the official Cloudflare
 * SDK. Each call gets its own SDK client over a fetch that counts attempts and reads the v4 envelope, so a failure
 * names the call, the status, the attempts and the API's own error codes, and never the token.
 */

export interface RemoteOptions {
  accountId: string;
  apiToken: string;
  /** wrangler.toml: the `id` of the kv_namespaces entry with binding RULES. */
  kvNamespaceId: string;
  /** wrangler.toml: the `database_id` of the d1_databases entry with binding DB. */
  d1DatabaseId: string;
  /** Defaults to the SDK's, https://api.cloudflare.com/client/v4. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

const DEFAULT_API_BASE_URL = "https://api.cloudflare.com/client/v4";
const KV_PERMISSION = "Workers KV Storage:Edit";
const D1_PERMISSION = "D1:Edit";
// KV answers a missing key with 404 and code 10009. A 404 with any other code (10013: namespace not found, or a
// wrong account) is a misconfiguration, and reading it as "no such key" would make a wrong id look like an empty
// namespace.
const KEY_NOT_FOUND = 10009;
// 4 attempts in all; the SDK waits as Retry-After asks (under a minute), else backs off exponentially.
const MAX_RETRIES = 3;
// A hung connection would otherwise hang the CLI forever.
const REQUEST_TIMEOUT_MS = 30_000;

class CloudflareApiError extends Error {
  override name = "CloudflareApiError";
  /** The HTTP status, or undefined when the API could not be reached at all. */
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

interface Call {
  method: "GET" | "PUT" | "POST";
  /** The path after the base URL, percent-encoded, for messages. */
  path: string;
  /** The token permission this call needs, named when Cloudflare answers 401 or 403. */
  permission: string;
}

interface ErrorDetail {
  code?: number;
  message?: string;
}

const formatErrors = (errors: ErrorDetail[]) =>
  errors.length === 0
    ? "no error details in the response"
    : errors.map((error) => `[${error.code ?? "?"}] ${error.message ?? "(no message)"}`).join("; ");

function rootCause(error: unknown): string {
  let current = error as { cause?: unknown; code?: string; message?: string } | undefined;
  let found = "";
  for (let depth = 0; current && depth < 5; depth++) {
    found = current.code ?? current.message ?? found;
    current = current.cause as typeof current;
  }
  return found;
}

export function openRemoteBackend(options: RemoteOptions): Backend {
  const baseUrl = (options.baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  const redact = (text: string) =>
    options.apiToken ? text.replaceAll(options.apiToken, "[redacted token]") : text;

  async function call<T>(request: Call, run: (client: Cloudflare) => Promise<T>): Promise<T> {
    const trace = { attempts: 0, envelopeStatus: undefined as number | undefined };
    const client = new Cloudflare({
      apiToken: options.apiToken,
      // The SDK would otherwise also pick up CLOUDFLARE_API_KEY / CLOUDFLARE_EMAIL from the environment.
      apiKey: null,
      apiEmail: null,
      baseURL: baseUrl,
      maxRetries: MAX_RETRIES,
      timeout: REQUEST_TIMEOUT_MS,
      fetch: async (input, init) => {
        // The SDK probes FormData support once with a data: URL; that is no request to the API.
        if (!String(input).startsWith("data:")) trace.attempts++;
        const response = await doFetch(input, init);
        if (!response.ok || !response.headers.get("content-type")?.includes("application/json"))
          return response;
        // The v4 envelope can say `success: false` with a 200: that is a failure, not an answer.
        const body = (await response
          .clone()
          .json()
          .catch(() => undefined)) as { success?: unknown } | undefined;
        if (body?.success !== false) return response;
        trace.envelopeStatus = response.status;
        return new Response(JSON.stringify(body), { status: 400, headers: response.headers });
      },
    });
    try {
      return await run(client);
    } catch (error) {
      if (error instanceof Cloudflare.APIConnectionError || !(error instanceof Cloudflare.APIError)) {
        throw new CloudflareApiError(
          redact(
            `Could not reach the Cloudflare API at ${baseUrl} (${request.method} ${request.path}): ${rootCause(error)}.` +
              " Check the network, or CLOUDFLARE_API_BASE_URL if you set it.",
          ),
        );
      }
      const status = trace.envelopeStatus ?? error.status ?? 0;
      const tries = trace.attempts > 1 ? ` after ${trace.attempts} attempts` : "";
      let message = `Cloudflare API ${request.method} ${request.path} failed with HTTP ${status}${tries}: ${formatErrors(error.errors as ErrorDetail[])}.`;
      if (status === 401 || status === 403) {
        message +=
          ` The token (CLOUDFLARE_API_TOKEN, or wrangler's login) was rejected or lacks permission: it needs "${request.permission}"` +
          " on this account. Check the token's permissions and account scope in the Cloudflare dashboard.";
      }
      throw new CloudflareApiError(redact(message), status);
    }
  }

  // Paths in messages are encoded as the SDK encodes them (RFC 3986 pchar kept: `rules:active`).
  const encodePath = (segment: string) =>
    segment.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@]+/g, encodeURIComponent);
  const account_id = options.accountId;
  const namespace_id = options.kvNamespaceId;
  const namespacePath = `/accounts/${encodeURIComponent(account_id)}/storage/kv/namespaces/${encodeURIComponent(namespace_id)}`;
  const valuePath = (key: string) => `${namespacePath}/values/${encodePath(key)}`;
  const queryPath = `/accounts/${encodeURIComponent(account_id)}/d1/database/${encodeURIComponent(options.d1DatabaseId)}/query`;

  const rules: RuleStore = {
    async get(key) {
      return call({ method: "GET", path: valuePath(key), permission: KV_PERMISSION }, async (client) => {
        try {
          const response = await client.kv.namespaces.values.get(key, { account_id, namespace_id });
          return await response.text();
        } catch (error) {
          const errors = error instanceof Cloudflare.APIError ? (error.errors as ErrorDetail[]) : [];
          if (error instanceof Cloudflare.NotFoundError && errors.every((e) => e.code === KEY_NOT_FOUND))
            return null;
          throw error;
        }
      });
    },

    async put(key, value, metadata) {
      await call({ method: "PUT", path: valuePath(key), permission: KV_PERMISSION }, (client) =>
        // Metadata travels as one JSON field of the multipart body; the SDK would spread an object into fields.
        client.kv.namespaces.values.update(key, {
          account_id,
          namespace_id,
          value,
          ...(metadata ? { metadata: JSON.stringify(metadata) } : {}),
        }),
      );
    },

    async list(prefix) {
      return call(
        { method: "GET", path: `${namespacePath}/keys`, permission: KV_PERMISSION },
        async (client) => {
          const keys: Array<{ name: string; metadata?: unknown }> = [];
          for await (const key of client.kv.namespaces.keys.list(namespace_id, {
            account_id,
            prefix,
            limit: 1000,
          })) {
            keys.push(
              key.metadata === undefined ? { name: key.name } : { name: key.name, metadata: key.metadata },
            );
          }
          return keys;
        },
      );
    },
  };

  const sink: SqlRunner = {
    async query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
      return call({ method: "POST", path: queryPath, permission: D1_PERMISSION }, async (client) => {
        const page = await client.d1.database.query(options.d1DatabaseId, {
          account_id,
          sql,
          ...(params.length > 0 ? { params: params as string[] } : {}),
        });
        const first = page.result[0];
        if (!first || first.success === false || !Array.isArray(first.results)) {
          throw new CloudflareApiError(
            `Cloudflare API POST ${queryPath} returned no result set for the query.`,
          );
        }
        return first.results as Row[];
      });
    },
  };

  return { mode: "remote", rules, sink, close: async () => {} };
}

/** The binding ids from wrangler.toml, or an Error that says how to create the resource behind a placeholder. */
export function remoteIds(ids: { kvNamespaceId: string; d1DatabaseId: string }) {
  if (isPlaceholderId(ids.kvNamespaceId)) {
    throw new Error(
      "wrangler.toml still has the placeholder id for the RULES KV namespace. " +
        "Run `npx stylist init --remote` (or `npx wrangler kv namespace create stylist-rules` and put its id in [[kv_namespaces]], binding RULES).",
    );
  }
  if (isPlaceholderId(ids.d1DatabaseId)) {
    throw new Error(
      "wrangler.toml still has the placeholder database_id for the DB D1 database. " +
        "Run `npx stylist init --remote` (or `npx wrangler d1 create stylist` and put its database_id in [[d1_databases]], binding DB).",
    );
  }
  return { kvNamespaceId: ids.kvNamespaceId.trim(), d1DatabaseId: ids.d1DatabaseId.trim() };
}
