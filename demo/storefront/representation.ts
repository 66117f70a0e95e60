import { createHash } from "node:crypto";

export const CONTENT_TYPES = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  json: "application/json",
  js: "text/javascript; charset=utf-8",
  /** A legacy page whose charset is named only in its <meta>. */
  htmlNoCharset: "text/html",
  text: "text/plain; charset=utf-8",
} as const;

export const CACHE = {
  page: "public, max-age=60",
  /** Per-visitor pages in a real shop; marked private so no shared cache keeps them. */
  personal: "private, no-cache",
  asset: "public, max-age=86400",
  api: "no-cache",
  none: "no-store",
} as const;

/** Everything needed to answer a request, fixed before any byte is written. */
export interface Representation {
  status: number;
  contentType: string;
  cacheControl: string;
  body: Buffer;
  /** Strong validator for 200s; other statuses carry none. */
  etag?: string;
  compressible: boolean;
  /**
   * Static files advertise Content-Length when sent uncompressed, while pages
   * go out chunked as a server-rendered origin would send them.
   */
  declareLength: boolean;
  headers?: Record<string, string>;
}

/** Hash of the uncompressed bytes, so gzip and identity share a validator. */
export function strongEtag(body: Buffer): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

export interface RepresentationInit {
  status?: number;
  contentType: string;
  cacheControl: string;
  body: string | Buffer;
  compressible?: boolean;
  declareLength?: boolean;
  headers?: Record<string, string>;
}

export function representation(init: RepresentationInit): Representation {
  const body = typeof init.body === "string" ? Buffer.from(init.body, "utf8") : init.body;
  const status = init.status ?? 200;
  return {
    status,
    contentType: init.contentType,
    cacheControl: init.cacheControl,
    body,
    etag: status === 200 ? strongEtag(body) : undefined,
    compressible: init.compressible ?? false,
    declareLength: init.declareLength ?? true,
    headers: init.headers,
  };
}

export function htmlPage(body: string, status = 200, cacheControl: string = CACHE.page): Representation {
  return representation({
    status,
    contentType: CONTENT_TYPES.html,
    cacheControl,
    body,
    compressible: true,
    declareLength: false,
  });
}

export function plainText(status: number, text: string, headers?: Record<string, string>): Representation {
  return representation({
    status,
    contentType: CONTENT_TYPES.text,
    cacheControl: CACHE.none,
    body: text,
    headers,
  });
}
