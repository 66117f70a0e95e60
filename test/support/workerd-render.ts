import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import type { Op } from "../../src/core/schema/ops.ts";
import type { RenderedOps } from "../fixtures/render-ops.ts";

/** wrangler.toml's, so the runtime behaves as the deployed worker's. */
const COMPATIBILITY_DATE = "2026-11-01";
const ENTRY = fileURLToPath(new URL("../worker/render-ops-worker.ts", import.meta.url));

export interface WorkerdRenderer {
  render(page: Uint8Array, contentType: string, ops: Op[], chunkBytes?: number): Promise<RenderedOps>;
  stop(): Promise<void>;
}

/**
 * The worker's render code (src/render) bundled as `wrangler deploy` would and run in workerd through Miniflare, so a
 * Node test can hold what the deployed worker sends next to what the WebAssembly rewriter makes of the same page.
 */
export async function startWorkerdRenderer(): Promise<WorkerdRenderer> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    logLevel: "silent",
  });
  const script = result.outputFiles[0]?.text;
  if (!script) throw new Error("esbuild produced nothing for the workerd renderer");
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [{ name: "render", modules: true, script, compatibilityDate: COMPATIBILITY_DATE }],
    }),
  );
  await mf.ready;
  return {
    async render(page, contentType, ops, chunkBytes = 0) {
      const response = await mf.dispatchFetch("http://render.test/", {
        method: "POST",
        headers: {
          "x-page-content-type": contentType,
          "x-ops": encodeURIComponent(JSON.stringify(ops)),
          "x-chunk-bytes": String(chunkBytes),
        },
        body: page,
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      const outcome = JSON.parse(decodeURIComponent(response.headers.get("x-outcome") ?? "{}")) as Omit<
        RenderedOps,
        "bytes"
      >;
      return { bytes, ...outcome };
    },
    stop: () => mf.dispose(),
  };
}
