import { join, resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { bundleWorker } from "../bundle.ts";
import { CF } from "../config.ts";
import { compatibilityDate } from "../wrangler-config.ts";

export interface DirectWorker {
  url: string;
  stop(): Promise<void>;
}

/**
 * The Stylist worker in its own workerd on a direct socket, over the same local state (`<persistTo>/v3`) the demo's
 * `wrangler dev` uses: the rules pushed there, the D1 tables its migrations made, the same queue and consumer.
 *
 * Why not `wrangler dev` itself: its requests pass through Miniflare's entry worker, a service-binding hop that holds
 * any response body produced inside the worker (an HTMLRewriter output, even a plain TransformStream) until it has
 * ended, while the origin's own body streams through untouched. A direct socket is the worker's response as the
 * runtime streams it, which is what a browser meets at the edge; docs/benchmarks.md shows both.
 */
export async function startDirectWorker(options: {
  persistTo: string;
  originUrl: string;
  secrets: Record<string, string>;
  refreshSeconds: number;
  /** The worker's COMPRESSION setting; unset is the default (the runtime compresses). */
  compression?: string;
}): Promise<DirectWorker> {
  const script = await bundleWorker("stylist");
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      // A fixed request.cf, as the throughput harness uses: Miniflare would otherwise try to download one.
      cf: CF,
      resourcePersistencePath: join(resolve(options.persistTo), "v3"),
      workers: [
        {
          name: "stylist",
          modules: true,
          script,
          compatibilityDate: compatibilityDate(),
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
          bindings: {
            ...options.secrets,
            ORIGIN_URL: options.originUrl,
            RULES_REFRESH_SECONDS: String(options.refreshSeconds),
            ...(options.compression ? { COMPRESSION: options.compression } : {}),
          },
          // The ids in wrangler.toml, so these are the namespaces `wrangler dev` and the CLI wrote.
          kvNamespaces: { RULES: "00000000000000000000000000000000" },
          d1Databases: { DB: "00000000-0000-0000-0000-000000000000" },
          queueProducers: { EVENTS: { queueName: "stylist-events" } },
          ...(options.compression
            ? {}
            : {
                queueConsumers: {
                  "stylist-events": { maxBatchSize: 100, maxBatchTimeout: 2, maxRetries: 5 },
                },
              }),
        },
      ],
    }),
  );
  await mf.ready;
  const url = (await mf.unsafeGetDirectURL("stylist")).origin;
  return { url, stop: () => mf.dispose() };
}
