import {
  ARCHIVE_BUFFER,
  AUTOPILOT_CRON,
  createsArchiveBuffer,
  isPlaceholderId,
} from "../init/wrangler-config.ts";
import { type Finding, fail, ok, warn } from "./finding.ts";

/** The parts of a wrangler config (as wrangler itself reads it) that Stylist depends on. */
export interface DeploymentConfig {
  name?: string | undefined;
  main?: string | undefined;
  vars: Record<string, unknown>;
  kv_namespaces: Array<{ binding: string; id?: string | undefined }>;
  d1_databases: Array<{
    binding: string;
    database_id?: string | undefined;
    migrations_dir?: string | undefined;
  }>;
  queues: {
    producers?: Array<{ binding: string; queue: string }> | undefined;
    consumers?: Array<{ queue: string; dead_letter_queue?: string | undefined }> | undefined;
  };
  r2_buckets: Array<{ binding: string; bucket_name?: string | undefined }>;
  durable_objects?:
    | { bindings?: Array<{ name: string; class_name?: string | undefined }> | undefined }
    | undefined;
  migrations?: Array<Record<string, unknown>> | undefined;
  triggers: { crons?: string[] | undefined };
  routes?: Array<string | { pattern: string; custom_domain?: boolean | undefined }> | undefined;
  route?: string | { pattern: string } | undefined;
}

const hostOfRoute = (route: string | { pattern: string }) =>
  (typeof route === "string" ? route : route.pattern)
    .replace(/^https?:\/\//, "")
    .split(/[/:]/)[0]
    ?.toLowerCase() ?? "";

/** Hostnames the worker answers on in production: its routes and custom domains. */
export function workerHosts(config: DeploymentConfig): string[] {
  const routes = [...(config.routes ?? []), ...(config.route ? [config.route] : [])];
  return routes.map(hostOfRoute).filter(Boolean);
}

/** The archive's batching Durable Object: bound to Stylist's class, created by a migration, and there for SINK = "r2". */
function archiveBufferChecks(config: DeploymentConfig, sink: string): Finding[] {
  const check = `binding:${ARCHIVE_BUFFER.binding}`;
  const binding = config.durable_objects?.bindings?.find((entry) => entry.name === ARCHIVE_BUFFER.binding);
  if (!binding) {
    return sink === "r2"
      ? [
          warn(
            check,
            `no Durable Object bound as ${ARCHIVE_BUFFER.binding}: every consumer batch (up to 100 events) becomes its own small Parquet file, which engines read slowly`,
            "npx stylist init (adds the binding and its migration); docs/analytics.md, Batching",
          ),
        ]
      : [];
  }
  if (binding.class_name !== ARCHIVE_BUFFER.className) {
    return [
      fail(
        check,
        `${ARCHIVE_BUFFER.binding} is bound to class ${binding.class_name ?? "(none)"}, not Stylist's ${ARCHIVE_BUFFER.className}`,
        `class_name = "${ARCHIVE_BUFFER.className}" in its [[durable_objects.bindings]]`,
      ),
    ];
  }
  if (!(config.migrations ?? []).some(createsArchiveBuffer)) {
    return [
      fail(
        check,
        `no [[migrations]] entry creates ${ARCHIVE_BUFFER.className}: wrangler deploy refuses the binding`,
        `[[migrations]] tag = "${ARCHIVE_BUFFER.migrationTag}", new_sqlite_classes = ["${ARCHIVE_BUFFER.className}"] (npx stylist init adds it)`,
      ),
    ];
  }
  return [
    ok(
      check,
      sink === "r2"
        ? `${ARCHIVE_BUFFER.binding} → ${ARCHIVE_BUFFER.className}: archive files are batched`
        : `${ARCHIVE_BUFFER.binding} → ${ARCHIVE_BUFFER.className} (used only when SINK = "r2")`,
    ),
  ];
}

/** Bindings, their ids, the queue and its dead-letter queue, the cron, and the vars that change behaviour. */
export function configChecks(config: DeploymentConfig, options: { remote: boolean }): Finding[] {
  const findings: Finding[] = [];
  const rules = config.kv_namespaces.find((entry) => entry.binding === "RULES");
  if (!rules) {
    findings.push(
      fail(
        "binding:RULES",
        "no KV namespace bound as RULES: the worker has no rules to read",
        "npx stylist init",
      ),
    );
  } else if (options.remote && isPlaceholderId(rules.id)) {
    findings.push(
      fail(
        "binding:RULES",
        "RULES still has the placeholder id",
        "npx stylist init --remote (creates it and writes the id)",
      ),
    );
  } else findings.push(ok("binding:RULES", `RULES → KV namespace ${rules.id}`));

  const db = config.d1_databases.find((entry) => entry.binding === "DB");
  if (!db) {
    findings.push(
      fail("binding:DB", "no D1 database bound as DB: events have nowhere to go", "npx stylist init"),
    );
  } else if (options.remote && isPlaceholderId(db.database_id)) {
    findings.push(
      fail("binding:DB", "DB still has the placeholder database_id", "npx stylist init --remote"),
    );
  } else findings.push(ok("binding:DB", `DB → D1 database ${db.database_id}`));

  const producer = config.queues.producers?.find((entry) => entry.binding === "EVENTS");
  const consumer = producer && config.queues.consumers?.find((entry) => entry.queue === producer.queue);
  if (!producer) {
    findings.push(
      fail(
        "binding:EVENTS",
        "no queue producer bound as EVENTS: no exposure is ever logged",
        "npx stylist init",
      ),
    );
  } else if (!consumer) {
    findings.push(
      fail(
        "binding:EVENTS",
        `EVENTS sends to ${producer.queue}, but this worker does not consume it: events pile up unread`,
        `add [[queues.consumers]] queue = "${producer.queue}" (npx stylist init adds it)`,
      ),
    );
  } else if (!consumer.dead_letter_queue) {
    findings.push(
      warn(
        "binding:EVENTS",
        `the consumer of ${producer.queue} has no dead_letter_queue: a batch that keeps failing is dropped`,
        'add dead_letter_queue = "stylist-events-dlq" to its [[queues.consumers]] (npx stylist init adds it)',
      ),
    );
  } else {
    findings.push(
      ok(
        "binding:EVENTS",
        `EVENTS → ${producer.queue}, consumed here, dead letters to ${consumer.dead_letter_queue}`,
      ),
    );
  }

  const sink = typeof config.vars.SINK === "string" ? config.vars.SINK : "d1";
  const archive = config.r2_buckets.find((entry) => entry.binding === "ARCHIVE");
  if (sink === "r2" && !archive) {
    findings.push(
      fail("binding:ARCHIVE", 'SINK = "r2" but no R2 bucket is bound as ARCHIVE', "npx stylist init"),
    );
  } else if (archive) findings.push(ok("binding:ARCHIVE", `ARCHIVE → R2 bucket ${archive.bucket_name}`));
  findings.push(...archiveBufferChecks(config, sink));

  if (!(config.triggers.crons ?? []).length) {
    findings.push(
      warn(
        "cron",
        "no cron trigger: the autopilot never runs (broken splits are not paused, harm is not alerted)",
        `[triggers] crons = ["${AUTOPILOT_CRON}"]`,
      ),
    );
  } else findings.push(ok("cron", `cron ${config.triggers.crons?.join(", ")} runs the autopilot`));

  if (config.vars.COMPRESSION !== "front-line") {
    findings.push(
      warn(
        "compression",
        'COMPRESSION is not "front-line": the Workers runtime compresses rewritten pages itself and can hold a slow origin\'s <head> back from gzip-only clients (docs/architecture.md#compression)',
        '[vars] COMPRESSION = "front-line", with compression on for the zone (Speed › Optimization › Content)',
      ),
    );
  } else
    findings.push(
      ok("compression", "rewritten pages leave uncompressed for Cloudflare's front line to compress"),
    );

  if (options.remote) {
    const hosts = workerHosts(config);
    findings.push(
      hosts.length === 0
        ? fail(
            "routes",
            "no routes or custom domain: the deployed worker is only on workers.dev, not in front of the shop",
            'routes = [{ pattern = "shop.example.com", custom_domain = true }] or a zone route "shop.example.com/*" (docs/deploy.md)',
          )
        : ok("routes", `in front of ${hosts.join(", ")}`),
    );
  }
  return findings;
}
