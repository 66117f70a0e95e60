import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where Stylist's own files are, wherever the package is installed (this repository, or node_modules/stylist in a
 * shop's project): the worker a generated wrangler.toml runs, the D1 migrations it applies, the rules schema.
 */
const STYLIST_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

export const stylistPaths = {
  worker: join(STYLIST_ROOT, "src", "worker", "index.ts"),
  migrations: join(STYLIST_ROOT, "migrations"),
  schema: join(STYLIST_ROOT, "schema", "rules.schema.json"),
};

/** A path as wrangler.toml and JSON `$schema` want it: relative to the project, with forward slashes. */
export function fromProject(projectDir: string, path: string): string {
  const relativePath = relative(projectDir, path).split(sep).join("/");
  return relativePath.startsWith(".") ? relativePath : `./${relativePath}`;
}
