import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "./fake-cloudflare-api.ts";

/**
 * A local stand-in for R2's S3-compatible API: ListObjectsV2, GetObject, PutObject, DeleteObject on one bucket. It
 * verifies every request's AWS Signature V4 with its own implementation of the spec (not the client's signer), so a
 * passing test means the signing is right, not merely that something answered.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
export interface FakeR2Options {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Objects per list page; small so tests exercise continuation tokens. */
  pageSize?: number;
}

export interface FakeR2 {
  endpoint: string;
  objects: Map<string, Uint8Array>;
  requests: Array<{ method: string; key: string; status: number }>;
  close(): Promise<void>;
}

const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const xmlEscape = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Why the request's signature is wrong, or undefined when it is right. */
function signatureFault(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  options: FakeR2Options,
): string | undefined {
  const authorization = request.headers.authorization ?? "";
  const match = authorization.match(
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/,
  );
  if (!match) return "no AWS4-HMAC-SHA256 authorization header";
  const [, keyId, day, region, service, signedHeaders = "", signature] = match;
  if (keyId !== options.accessKeyId) return "unknown access key";
  if (region !== "auto" || service !== "s3") return `scope ${region}/${service}, R2 expects auto/s3`;
  const amzDate = String(request.headers["x-amz-date"] ?? "");
  if (!amzDate.startsWith(day ?? "-")) return "x-amz-date does not match the credential scope";
  const payloadHash = String(request.headers["x-amz-content-sha256"] ?? "");
  if (payloadHash !== "UNSIGNED-PAYLOAD" && payloadHash !== sha256(body)) return "the payload hash is wrong";
  const headerNames = signedHeaders.split(";");
  if (!headerNames.includes("host") || !headerNames.includes("x-amz-date"))
    return "host or x-amz-date not signed";
  const canonicalHeaders = headerNames
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? "")
          .trim()
          .replace(/\s+/g, " ")}\n`,
    )
    .join("");
  const canonicalUri = url.pathname
    .split("/")
    .map((segment) => rfc3986(decodeURIComponent(segment)))
    .join("/");
  const canonicalQuery = [...url.searchParams]
    .map(([name, value]) => [rfc3986(name), rfc3986(value)])
    .sort(([a = "", x = ""], [b = "", y = ""]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const canonicalRequest = [
    request.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  let key: Buffer = hmac(`AWS4${options.secretAccessKey}`, day ?? "");
  for (const part of [region ?? "", service ?? "", "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
  return expected === signature ? undefined : "SignatureDoesNotMatch";
}

export async function startFakeR2(options: FakeR2Options): Promise<FakeR2> {
  const objects = new Map<string, Uint8Array>();
  const requests: FakeR2["requests"] = [];
  const pageSize = options.pageSize ?? 1000;
  const reply = (response: ServerResponse, status: number, body: string | Uint8Array = "") => {
    response.writeHead(status, {
      "content-type": typeof body === "string" ? "application/xml" : "application/octet-stream",
    });
    response.end(body);
  };
  const error = (code: string, message: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`;
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://fake");
    const body = await readBody(request);
    const [, bucket = "", ...rest] = url.pathname.split("/");
    const key = rest.map(decodeURIComponent).join("/");
    const done = (status: number, payload?: string | Uint8Array) => {
      requests.push({ method: request.method ?? "", key, status });
      reply(response, status, payload);
    };
    const fault = signatureFault(request, url, body, options);
    if (fault) return done(403, error(fault === "SignatureDoesNotMatch" ? fault : "AccessDenied", fault));
    if (decodeURIComponent(bucket) !== options.bucket)
      return done(404, error("NoSuchBucket", "The specified bucket does not exist."));
    if (request.method === "GET" && key === "") {
      if (url.searchParams.get("list-type") !== "2")
        return done(400, error("InvalidArgument", "list-type=2 only"));
      const prefix = url.searchParams.get("prefix") ?? "";
      const after = url.searchParams.get("continuation-token") ?? "";
      const keys = [...objects.keys()].filter((name) => name.startsWith(prefix) && name > after).sort();
      const page = keys.slice(0, Math.min(pageSize, Number(url.searchParams.get("max-keys") ?? 1000)));
      const truncated = keys.length > page.length;
      const contents = page
        .map(
          (name) =>
            `<Contents><Key>${xmlEscape(name)}</Key><Size>${objects.get(name)?.length}</Size></Contents>`,
        )
        .join("");
      return done(
        200,
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${options.bucket}</Name>${contents}<IsTruncated>${truncated}</IsTruncated>${
          truncated ? `<NextContinuationToken>${xmlEscape(page.at(-1) ?? "")}</NextContinuationToken>` : ""
        }</ListBucketResult>`,
      );
    }
    if (request.method === "GET") {
      const object = objects.get(key);
      return object ? done(200, object) : done(404, error("NoSuchKey", "The specified key does not exist."));
    }
    if (request.method === "PUT") {
      objects.set(key, new Uint8Array(body));
      return done(200);
    }
    if (request.method === "DELETE") {
      objects.delete(key);
      return done(204);
    }
    return done(405, error("MethodNotAllowed", String(request.method)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
