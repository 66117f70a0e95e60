import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CLIError, EXIT } from "./errors.ts";

/** What the CLI needs from wrangler.toml: binding ids for remote mode, and the origin for `simulate`. */
export interface ProjectConfig {
  configPath: string;
  root: string;
  kvNamespaceId: string;
  d1DatabaseId: string;
  originUrl: string | undefined;
  /** The `SINK` var: where the consumer writes events (d1 when unset). */
  sink: string | undefined;
  /** Whether the archive's batching buffer is bound (ARCHIVE_BUFFER, docs/analytics.md, "Batching"). */
  archiveBuffered: boolean;
  /** `account_id`, when the config names the account. */
  accountId: string | undefined;
  /** The `bucket_name` of the r2_buckets entry with binding ARCHIVE, when there is one. */
  archiveBucket: string | undefined;
}

/**
 * wrangler's own reader, so every config form wrangler accepts works. wrangler is imported here, when a command needs
 * the project, not when the CLI starts: importing it costs about 1.5 s of CPU, which `validate`, `plan`, `report
 * --events` and every refused flag need not pay.
 */
export async function readProjectConfig(configPath: string): Promise<ProjectConfig> {
  const path = resolve(configPath);
  if (!existsSync(path)) {
    throw new CLIError(
      `no wrangler config at ${path}; run from the project root or pass --config`,
      EXIT.invalid,
    );
  }
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({ config: path }, { hideWarnings: true });
  const kv = (config.kv_namespaces as Array<{ binding: string; id?: string }>).find(
    (ns) => ns.binding === "RULES",
  );
  const d1 = (config.d1_databases as Array<{ binding: string; database_id?: string }>).find(
    (db) => db.binding === "DB",
  );
  if (!kv?.id) throw new CLIError(`${path} has no kv_namespaces entry with binding "RULES"`, EXIT.invalid);
  if (!d1?.database_id)
    throw new CLIError(`${path} has no d1_databases entry with binding "DB"`, EXIT.invalid);
  const archive = (config.r2_buckets as Array<{ binding: string; bucket_name?: string }>).find(
    (bucket) => bucket.binding === "ARCHIVE",
  );
  const origin = config.vars.ORIGIN_URL;
  return {
    configPath: path,
    root: dirname(path),
    kvNamespaceId: kv.id,
    d1DatabaseId: d1.database_id,
    originUrl: typeof origin === "string" ? origin : undefined,
    sink: typeof config.vars.SINK === "string" ? config.vars.SINK : undefined,
    archiveBuffered: (config.durable_objects.bindings as Array<{ name: string }>).some(
      (binding) => binding.name === "ARCHIVE_BUFFER",
    ),
    accountId: config.account_id,
    archiveBucket: archive?.bucket_name,
  };
}
