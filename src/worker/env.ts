import type { QueueBody } from "../core/schema/event.ts";

export interface Env {
  /** Base URL of the storefront, e.g. https://origin.example.com */
  ORIGIN_URL: string;
  /**
   * Headers added to every origin request, one `Name: value` per line (a secret the origin checks, or an Access
   * service token), so the origin can refuse requests that did not come through Stylist. A wrangler secret.
   */
  ORIGIN_HEADERS?: string;
  /** HMAC key for visitor cookies; a wrangler secret, at least 16 characters. */
  VISITOR_SECRET: string;
  /** HMAC key the shop's backend signs server-to-server events with; a wrangler secret, at least 16 characters. */
  SERVER_EVENTS_SECRET?: string;
  /** Seconds an isolate trusts its cached rules before re-reading the active pointer. */
  RULES_REFRESH_SECONDS?: string;
  /**
   * "front-line": rewritten pages leave the worker uncompressed, for Cloudflare's front line to compress. The Workers
   * runtime's own gzip/brotli encoder holds a rewritten stream until it has enough output (often the whole page), so a
   * slow origin's early <head> reaches a browser late; see docs/architecture.md#compression. Default: the runtime
   * compresses, as for any Worker.
   */
  COMPRESSION?: string;
  /** "1": add a Server-Timing header with Stylist's own time, so the cost shows in browser and RUM dashboards. */
  SERVER_TIMING?: string;
  /**
   * Where the queue consumer writes events: "d1" (default), "r2" (Parquet files in ARCHIVE) or "pipelines" (records
   * to the PIPELINE stream). See docs/analytics.md.
   */
  SINK?: string;
  /** The autopilot's alert webhook (Slack-compatible), a secret; settings.autopilot.webhookVar can name another. */
  AUTOPILOT_WEBHOOK_URL?: string;
  RULES: KVNamespace;
  EVENTS: Queue<QueueBody>;
  DB: D1Database;
  /** The R2 bucket of the Parquet archive; needed only with SINK = "r2". */
  ARCHIVE?: R2Bucket;
  /**
   * The archive's batching buffer, a Durable Object (src/worker/archive-buffer.ts). Bound, SINK = "r2" writes files
   * of ARCHIVE_BUFFER_EVENTS events or ARCHIVE_BUFFER_SECONDS; unbound, one file per partition per consumer batch.
   */
  ARCHIVE_BUFFER?: DurableObjectNamespace;
  /** Events a partition's buffer holds before it is written as one file (default 10000). */
  ARCHIVE_BUFFER_EVENTS?: string;
  /** Seconds the oldest buffered event waits at most before its partition is written (default 300). */
  ARCHIVE_BUFFER_SECONDS?: string;
  /** A Cloudflare Pipelines stream binding; needed only with SINK = "pipelines". */
  PIPELINE?: { send(records: Array<Record<string, unknown>>): Promise<void> };
}
