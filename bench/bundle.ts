import { fileURLToPath } from "node:url";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { minify } from "./wrangler-config.ts";

const WORKERS = fileURLToPath(new URL("./workers/", import.meta.url));

export type WorkerScript = "passthrough" | "floor" | "bare-ops" | "stylist" | "growthbook";

/**
 * Bundles one benchmark worker the way `wrangler deploy` does (esbuild, ESM, es2024, the workerd/worker/browser
 * conditions, NODE_ENV=production, minified when wrangler.toml says so), so workerd runs what a deployment would.
 */
/** esbuild settings as `wrangler deploy` uses them for a worker. */
export const DEPLOYED_BUILD = {
  format: "esm",
  target: "es2024",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["browser", "module", "main"],
  define: { "process.env.NODE_ENV": '"production"' },
} as const satisfies BuildOptions;

/**
 * workerd's built-in modules (`cloudflare:workers`, which the archive buffer's Durable Object class extends) stay
 * imports, as wrangler leaves them; for Node, which has none, `stub` puts a bare `DurableObject` class in their place.
 */
function cloudflareModules(stub: boolean): Plugin {
  return {
    name: "cloudflare-modules",
    setup(plugin) {
      plugin.onResolve({ filter: /^cloudflare:/ }, (args) =>
        stub ? { path: args.path, namespace: "cloudflare-stub" } : { path: args.path, external: true },
      );
      plugin.onLoad({ filter: /.*/, namespace: "cloudflare-stub" }, () => ({
        contents: "export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }",
        loader: "js",
      }));
    },
  };
}

export async function bundleWorker(
  name: WorkerScript,
  options: { minify?: boolean; plugins?: Plugin[]; forNode?: boolean } = {},
): Promise<string> {
  const result = await build({
    entryPoints: [`${WORKERS}${name}.js`],
    bundle: true,
    write: false,
    ...DEPLOYED_BUILD,
    minify: options.minify ?? minify(),
    logLevel: "silent",
    plugins: [...(options.plugins ?? []), cloudflareModules(options.forNode === true)],
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced nothing for ${name}`);
  return output.text;
}

/** Bundles `contents` (an entry module's source) as a deployed worker, resolving its imports from `resolveDir`. */
export async function bundleSource(contents: string, resolveDir: string, minified = true): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir, loader: "js" },
    bundle: true,
    write: false,
    ...DEPLOYED_BUILD,
    minify: minified,
    logLevel: "silent",
    plugins: [cloudflareModules(false)],
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced nothing for ${resolveDir}`);
  return output.text;
}
