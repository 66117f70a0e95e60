import { readFileSync } from "node:fs";

/**
 * The few top-level wrangler.toml settings the benchmark mirrors (compatibility date, minify), read from the file
 * so the benchmarked worker is built and run as it would be deployed, even as the config changes.
 */
function topLevel(name: string): string | undefined {
  const toml = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");
  const head = toml.split(/^\[/m)[0] ?? "";
  return new RegExp(`^${name}\\s*=\\s*"?([^"\\n#]+?)"?\\s*(?:#.*)?$`, "m").exec(head)?.[1];
}

export function compatibilityDate(): string {
  const date = topLevel("compatibility_date");
  if (!date) throw new Error("wrangler.toml has no compatibility_date");
  return date;
}

export function minify(): boolean {
  return topLevel("minify") === "true";
}
