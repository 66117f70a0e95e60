import { AwsClient } from "aws4fetch";
import type { ArchiveStore } from "./store.ts";

/**
 * The archive bucket of a real account, over R2's S3-compatible API. Cloudflare's REST API (the one the rest of
 * `--remote` uses) manages buckets but does not list or read their objects, so this needs an R2 API token's access
 * key pair (R2 → Manage R2 API Tokens, "Object Read & Write" on the bucket), signed with AWS Signature V4.
 */
export interface S3ArchiveOptions {
  accountId: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Defaults to https://ACCOUNT.r2.cloudflarestorage.com; an EU-jurisdiction bucket is at ACCOUNT.eu.r2…. */
  endpoint?: string;
  fetch?: typeof fetch;
}

// Four attempts in all for 5xx and 429, which R2 answers under load; aws4fetch waits 50 ms, 100 ms, 200 ms.
const RETRIES = 3;

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function xmlText(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith("#x") || entity.startsWith("#X"))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return XML_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

const tag = (xml: string, name: string) => xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1];

/** One ListObjectsV2 page: the objects, and the token for the next page when the listing was cut. */
export function parseListPage(xml: string): { objects: Array<{ key: string; size: number }>; next?: string } {
  const objects = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map((match) => {
    const body = match[1] ?? "";
    const key = tag(body, "Key");
    const size = Number(tag(body, "Size"));
    if (key === undefined || !Number.isFinite(size))
      throw new Error(`R2 listed an object without a key or size: ${body.slice(0, 200)}`);
    return { key: xmlText(key), size };
  });
  const next = tag(xml, "IsTruncated") === "true" ? tag(xml, "NextContinuationToken") : undefined;
  return next === undefined ? { objects } : { objects, next: xmlText(next) };
}

/** An S3 error body's code and message, for an error a user can act on (NoSuchBucket, AccessDenied…). */
function s3Error(status: number, body: string, what: string): Error {
  const code = tag(body, "Code");
  const message = tag(body, "Message");
  const hint =
    status === 401 || status === 403
      ? " (check R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY: an R2 API token with Object Read & Write on the bucket)"
      : "";
  return new Error(
    `R2 ${what} failed: HTTP ${status}${code ? ` ${code}` : ""}${message ? `: ${xmlText(message)}` : ""}${hint}`,
  );
}

/** Object keys are path-like; each segment is percent-encoded, the slashes kept (S3's canonical URI). */
const encodeKey = (key: string) => key.split("/").map(encodeURIComponent).join("/");

export function s3ArchiveStore(options: S3ArchiveOptions): ArchiveStore {
  const client = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    service: "s3",
    region: "auto",
    retries: RETRIES,
  });
  const base = `${(options.endpoint ?? `https://${options.accountId}.r2.cloudflarestorage.com`).replace(/\/+$/, "")}/${encodeURIComponent(options.bucket)}`;
  const send = async (url: string, init: RequestInit, what: string, allow404 = false) => {
    const request = await client.sign(url, init);
    const response = await (options.fetch ?? fetch)(request);
    if (response.ok || (allow404 && response.status === 404)) return response;
    throw s3Error(response.status, await response.text(), what);
  };
  return {
    async list(prefix) {
      const found: Array<{ key: string; size: number }> = [];
      let token: string | undefined;
      do {
        const query = new URLSearchParams({ "list-type": "2", prefix, "max-keys": "1000" });
        if (token) query.set("continuation-token", token);
        const response = await send(`${base}?${query}`, { method: "GET" }, `listing ${prefix}`);
        const page = parseListPage(await response.text());
        found.push(...page.objects);
        token = page.next;
      } while (token);
      return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async get(key) {
      const response = await send(`${base}/${encodeKey(key)}`, { method: "GET" }, `reading ${key}`, true);
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      return new Uint8Array(await response.arrayBuffer());
    },
    async put(key, body) {
      await send(
        `${base}/${encodeKey(key)}`,
        {
          method: "PUT",
          body: new Uint8Array(body),
          headers: { "content-type": "application/vnd.apache.parquet" },
        },
        `writing ${key}`,
      );
    },
    async delete(keys) {
      // One DELETE per key: S3's multi-object delete needs a Content-MD5 the Web Crypto API cannot compute, and a
      // data subject's erasure touches few files.
      for (const key of keys)
        await send(`${base}/${encodeKey(key)}`, { method: "DELETE" }, `deleting ${key}`, true);
    },
  };
}
