import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DatabaseSync } from "node:sqlite";

/**
 * A local stand-in for the parts of the Cloudflare v4 REST API that remote mode uses: Workers KV values and keys,
 * and D1 queries. It is strict on purpose (exact bearer token, ids in the path, content types, list limits) so a
 * test passing here means the requests are well formed, not merely that something answered.
 */

export interface FakeCloudflareOptions {
  token: string;
  accountId: string;
  /** A namespace that exists from the start (titled stylist-rules); omitted, the account has none. */
  kvNamespaceId?: string;
  /** A database that exists from the start (named stylist); omitted, the account has none. */
  d1DatabaseId?: string;
  /** Keys per list page; small so tests exercise cursors. */
  pageSize?: number;
  /** Answer D1 queries from a real in-memory SQLite per database (migrations, doctor); default: respondToQuery. */
  sqlite?: boolean;
}

interface RecordedRequest {
  method: string;
  /** The raw path, still percent-encoded, as the client sent it. */
  path: string;
  query: Record<string, string>;
  /** Every header except authorization. */
  headers: Record<string, string | string[] | undefined>;
  status: number;
}

interface InjectedFailure {
  status: number;
  retryAfter?: string;
  errors?: Array<{ code: number; message: string }>;
}

export interface FakeCloudflareApi {
  /** Includes the /client/v4 prefix, like the real one. */
  baseUrl: string;
  requests: RecordedRequest[];
  kv: Map<string, { value: string; metadata?: unknown }>;
  queries: Array<{ sql: string; params: unknown[] }>;
  /** Canned D1 rows for a query; defaults to none (or, with `sqlite`, the database's answer). */
  respondToQuery: (sql: string, params: unknown[]) => Array<Record<string, unknown>>;
  /** The account's resources, as the SDK's list and create calls see them. */
  namespaces: Map<string, string>;
  databases: Map<string, { name: string; sqlite?: DatabaseSync }>;
  queues: Set<string>;
  buckets: Set<string>;
  /** Deployed workers by script name, with their secrets (name → value). */
  scripts: Map<string, Map<string, string>>;
  /** Unacknowledged messages per queue name, as the queue metrics report them. */
  backlog: Map<string, number>;
  /** The next `times` requests get this failure instead of being served. */
  fail(failure: InjectedFailure, times?: number): void;
  reset(): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

const noAnswer = () => [];

class Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
  constructor(status: number, body: string, headers: Record<string, string> = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

const json = (status: number, body: Json, headers: Record<string, string> = {}) =>
  new Reply(status, JSON.stringify(body), { "content-type": "application/json", ...headers });
const ok = (result: unknown, extra: Json = {}) =>
  json(200, { success: true, errors: [], messages: [], result, ...extra });
const error = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  json(status, { success: false, errors: [{ code, message }], messages: [], result: null }, headers);

/** The whole request body (the fakes of R2's S3 API and of the REST API both read it before answering). */
export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export async function startFakeCloudflareApi(options: FakeCloudflareOptions): Promise<FakeCloudflareApi> {
  const pageSize = options.pageSize ?? 2;
  const failures: InjectedFailure[] = [];
  let created = 0;
  const newId = (width: number) => (++created).toString(16).padStart(width, "0");
  const api: Omit<FakeCloudflareApi, "baseUrl" | "close"> = {
    requests: [],
    kv: new Map(),
    queries: [],
    respondToQuery: noAnswer,
    namespaces: new Map(options.kvNamespaceId ? [[options.kvNamespaceId, "stylist-rules"]] : []),
    databases: new Map(options.d1DatabaseId ? [[options.d1DatabaseId, { name: "stylist" }]] : []),
    queues: new Set(),
    buckets: new Set(),
    scripts: new Map(),
    backlog: new Map(),
    fail(failure, times = 1) {
      for (let i = 0; i < times; i++) failures.push(failure);
    },
    reset() {
      api.requests.length = 0;
      api.kv.clear();
      api.queries.length = 0;
      api.respondToQuery = noAnswer;
      failures.length = 0;
    },
  };

  async function serve(request: IncomingMessage, url: URL, body: Buffer): Promise<Reply> {
    const injected = failures.shift();
    if (injected) {
      const headers: Record<string, string> = injected.retryAfter
        ? { "retry-after": injected.retryAfter }
        : {};
      const errors = injected.errors ?? [{ code: 10001, message: "service temporarily unavailable" }];
      return json(injected.status, { success: false, errors, messages: [], result: null }, headers);
    }
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      return error(401, 10000, "Authentication error");
    }

    const segments = url.pathname.split("/").map(decodeURIComponent);
    // ["", "client", "v4", "accounts", account, ...rest]
    if (segments[1] !== "client" || segments[2] !== "v4" || segments[3] !== "accounts") {
      return error(404, 7000, "No route for that URI");
    }
    if (segments.length === 4 && request.method === "GET") {
      const page = Number(url.searchParams.get("page") ?? "1");
      return ok(page === 1 ? [{ id: options.accountId, name: "Fake account" }] : [], {
        result_info: { page, per_page: 20, count: page === 1 ? 1 : 0, total_count: 1 },
      });
    }
    if (segments[4] !== options.accountId) {
      return error(404, 7003, "Could not route to this account, perhaps your object identifier is invalid?");
    }
    const rest = segments.slice(5);
    const contentType = request.headers["content-type"] ?? "";
    const jsonBody = (): Json | undefined => {
      if (!contentType.startsWith("application/json")) return undefined;
      try {
        return JSON.parse(body.toString()) as Json;
      } catch {
        return undefined;
      }
    };
    // The v4 list endpoints page with ?page=&per_page=; the SDK asks for the next page until one is empty.
    const paged = <T>(items: T[]) => {
      const page = Number(url.searchParams.get("page") ?? "1");
      const perPage = Number(url.searchParams.get("per_page") ?? "20");
      const slice = items.slice((page - 1) * perPage, page * perPage);
      return ok(slice, {
        result_info: { page, per_page: perPage, count: slice.length, total_count: items.length },
      });
    };

    if (rest[0] === "storage" && rest[1] === "kv" && rest[2] === "namespaces" && rest.length === 3) {
      if (request.method === "GET") {
        return paged([...api.namespaces].map(([id, title]) => ({ id, title, supports_url_encoding: true })));
      }
      if (request.method === "POST") {
        const title = jsonBody()?.title;
        if (typeof title !== "string") return error(400, 10019, "expected JSON { title }");
        if ([...api.namespaces.values()].includes(title))
          return error(400, 10014, "namespace already exists");
        const id = newId(32);
        api.namespaces.set(id, title);
        return ok({ id, title, supports_url_encoding: true });
      }
    }
    if (rest[0] === "d1" && rest[1] === "database" && rest.length === 2) {
      if (request.method === "GET") {
        const name = url.searchParams.get("name");
        return paged(
          [...api.databases]
            .filter(([, database]) => !name || database.name === name)
            .map(([uuid, database]) => ({ uuid, name: database.name, version: "production" })),
        );
      }
      if (request.method === "POST") {
        const name = jsonBody()?.name;
        if (typeof name !== "string") return error(400, 7400, "expected JSON { name }");
        if ([...api.databases.values()].some((database) => database.name === name))
          return error(400, 7502, "database already exists");
        const uuid = `${newId(8)}-0000-4000-8000-000000000000`;
        api.databases.set(uuid, { name });
        return ok({ uuid, name, version: "production" });
      }
    }
    if (rest[0] === "queues" && rest.length === 1) {
      if (request.method === "GET") {
        return ok([...api.queues].map((name) => ({ queue_id: name, queue_name: name })));
      }
      if (request.method === "POST") {
        const name = jsonBody()?.queue_name;
        if (typeof name !== "string") return error(400, 11000, "expected JSON { queue_name }");
        if (api.queues.has(name)) return error(409, 11009, "queue name is already taken");
        api.queues.add(name);
        return ok({ queue_id: name, queue_name: name });
      }
    }
    if (rest[0] === "queues" && rest[2] === "metrics" && rest.length === 3 && request.method === "GET") {
      const name = rest[1] ?? "";
      if (!api.queues.has(name)) return error(404, 11000, "queue not found");
      const count = api.backlog.get(name) ?? 0;
      return ok({
        backlog_count: count,
        backlog_bytes: count * 512,
        oldest_message_timestamp_ms: count ? Date.now() - 60_000 : 0,
      });
    }
    if (rest[0] === "r2" && rest[1] === "buckets" && rest.length === 2) {
      if (request.method === "GET") return ok({ buckets: [...api.buckets].map((name) => ({ name })) });
      if (request.method === "POST") {
        const name = jsonBody()?.name;
        if (typeof name !== "string") return error(400, 10040, "expected JSON { name }");
        if (api.buckets.has(name)) return error(409, 10004, "bucket already exists");
        api.buckets.add(name);
        return ok({ name });
      }
    }
    if (rest[0] === "workers" && rest[1] === "scripts" && rest[3] === "secrets" && rest.length === 4) {
      const secrets = api.scripts.get(rest[2] ?? "");
      if (!secrets) return error(404, 10007, "This Worker does not exist on your account.");
      if (request.method === "GET") {
        return ok([...secrets.keys()].map((name) => ({ name, type: "secret_text" })));
      }
      if (request.method === "PUT") {
        const secret = jsonBody();
        if (
          typeof secret?.name !== "string" ||
          typeof secret.text !== "string" ||
          secret.type !== "secret_text"
        )
          return error(400, 10021, "expected JSON { name, text, type: secret_text }");
        secrets.set(secret.name, secret.text);
        return ok({ name: secret.name, type: "secret_text" });
      }
    }

    if (rest[0] === "storage" && rest[1] === "kv" && rest[2] === "namespaces") {
      if (!api.namespaces.has(rest[3] ?? "")) return error(404, 10013, "namespace not found");
      if (rest[4] === "values" && rest.length === 6) {
        const key = rest[5] ?? "";
        if (request.method === "GET") {
          const entry = api.kv.get(key);
          if (!entry) return error(404, 10009, "get: 'key not found'");
          return new Reply(200, entry.value, { "content-type": "application/octet-stream" });
        }
        if (request.method === "PUT") {
          if (!contentType.startsWith("multipart/form-data")) {
            return error(400, 10012, `expected multipart/form-data, got ${contentType || "nothing"}`);
          }
          const form = await new Response(new Uint8Array(body), {
            headers: { "content-type": contentType },
          }).formData();
          const value = form.get("value");
          const metadata = form.get("metadata");
          if (typeof value !== "string") return error(400, 10012, "multipart body has no value field");
          let parsed: unknown;
          if (metadata !== null) {
            try {
              parsed = JSON.parse(String(metadata));
            } catch {
              return error(400, 10012, "metadata is not JSON");
            }
          }
          api.kv.set(key, parsed === undefined ? { value } : { value, metadata: parsed });
          return ok(null);
        }
      }
      if (rest[4] === "keys" && rest.length === 5 && request.method === "GET") {
        const limit = Number(url.searchParams.get("limit") ?? "1000");
        if (!Number.isInteger(limit) || limit < 10 || limit > 1000) {
          return error(400, 10028, "invalid limit argument");
        }
        const prefix = url.searchParams.get("prefix") ?? "";
        const names = [...api.kv.keys()].filter((name) => name.startsWith(prefix)).sort();
        const cursor = url.searchParams.get("cursor");
        const start = cursor ? Number(Buffer.from(cursor, "base64url").toString()) : 0;
        if (!Number.isInteger(start) || start < 0) return error(400, 10007, "malformed cursor");
        const page = names.slice(start, start + Math.min(limit, pageSize));
        const next =
          start + page.length < names.length
            ? Buffer.from(String(start + page.length)).toString("base64url")
            : "";
        const result = page.map((name) => {
          const metadata = api.kv.get(name)?.metadata;
          return metadata === undefined ? { name } : { name, metadata };
        });
        return ok(result, { result_info: { count: result.length, cursor: next } });
      }
      return error(405, 10025, "endpoint does not exist");
    }

    if (rest[0] === "d1" && rest[1] === "database") {
      const database = api.databases.get(rest[2] ?? "");
      if (!database) return error(404, 7404, "database not found");
      if (rest[3] !== "query" || rest.length !== 4 || request.method !== "POST") {
        return error(405, 7000, "endpoint does not exist");
      }
      if (!contentType.startsWith("application/json")) {
        return error(400, 7400, `expected application/json, got ${contentType || "nothing"}`);
      }
      let parsed: { sql?: unknown; params?: unknown };
      try {
        parsed = JSON.parse(body.toString()) as typeof parsed;
      } catch {
        return error(400, 7400, "body is not JSON");
      }
      if (typeof parsed.sql !== "string" || (parsed.params !== undefined && !Array.isArray(parsed.params))) {
        return error(400, 7400, "expected { sql: string, params?: unknown[] }");
      }
      const query = { sql: parsed.sql, params: (parsed.params ?? []) as unknown[] };
      api.queries.push(query);
      if (options.sqlite && api.respondToQuery === noAnswer) {
        database.sqlite ??= new DatabaseSync(":memory:");
        try {
          // A migration file is several statements: D1's /query runs them all, as exec does.
          if (query.sql.replace(/;\s*$/, "").includes(";")) {
            database.sqlite.exec(query.sql);
            return ok([{ results: [], success: true, meta: {} }]);
          }
          const statement = database.sqlite.prepare(query.sql);
          const params = query.params as never[];
          const returnsRows = statement.columns().length > 0;
          const rows = returnsRows ? statement.all(...params) : [];
          if (!returnsRows) statement.run(...params);
          return ok([{ results: rows, success: true, meta: {} }]);
        } catch (cause) {
          return error(400, 7500, `${String(cause)}: SQLITE_ERROR`);
        }
      }
      const results = api.respondToQuery(query.sql, query.params);
      return ok([{ results, success: true, meta: { rows_read: results.length, rows_written: 0 } }]);
    }

    return error(404, 7000, "No route for that URI");
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://fake.cloudflare.test");
    readBody(request)
      .then((body) => serve(request, url, body))
      .catch((cause: unknown) => error(500, 10001, `fake failed: ${String(cause)}`))
      .then((reply) => {
        const { authorization: _, ...headers } = request.headers;
        api.requests.push({
          method: request.method ?? "",
          path: (request.url ?? "/").split("?")[0] ?? "/",
          query: Object.fromEntries(url.searchParams),
          headers,
          status: reply.status,
        });
        response.writeHead(reply.status, reply.headers).end(reply.body);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(api, {
    baseUrl: `http://127.0.0.1:${port}/client/v4`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((cause) => (cause ? reject(cause) : resolve()));
      }),
  });
}
