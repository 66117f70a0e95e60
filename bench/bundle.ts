import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { minify } from "./wrangler-config.ts";

const WORKERS = fileURLToPath(new URL("./workers/", import.meta.url));

export type WorkerScript = "passthrough" | "floor" | "bare-ops" | "stylist" | "growthbook";

/**
 * Bundles one benchmark worker the way `wrangler deploy` does (esbuild, ESM, es2024, the workerd/worker/browser
 * conditions, NODE_ENV=production, minified when wrangler.toml says so), so workerd runs what a deployment would.
 */
export async function bundleWorker(
  name: WorkerScript,
  options: { minify?: boolean; plugins?: Plugin[] } = {},
): Promise<string> {
  const result = await build({
    entryPoints: [`${WORKERS}${name}.js`],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    define: { "process.env.NODE_ENV": '"production"' },
    minify: options.minify ?? minify(),
    logLevel: "silent",
    plugins: options.plugins ?? [],
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced nothing for ${name}`);
  return output.text;
}
