import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, totalmem } from "node:os";

const require = createRequire(import.meta.url);

function versionOf(pkg: string, from?: string): string {
  const resolve = from ? createRequire(require.resolve(`${from}/package.json`)).resolve : require.resolve;
  const json = JSON.parse(readFileSync(resolve(`${pkg}/package.json`), "utf8")) as { version: string };
  return json.version;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  /** The workerd build Miniflare runs (Miniflare's own dependency, which is wrangler's). */
  workerd: string;
  miniflare: string;
  wrangler: string;
  esbuild: string;
  autocannon: string;
  growthbookEdge: string;
}

export function describeMachine(): Machine {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? "unknown",
    cores: cores.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    workerd: versionOf("workerd", "miniflare"),
    miniflare: versionOf("miniflare"),
    wrangler: versionOf("wrangler"),
    esbuild: versionOf("esbuild"),
    autocannon: versionOf("autocannon"),
    growthbookEdge: versionOf("@growthbook/edge-cloudflare"),
  };
}
