import { isDeepStrictEqual } from "node:util";
import { parse, patch, stringify } from "@decimalturn/toml-patch";

/**
 * What Stylist needs in a wrangler.toml, merged into whatever the project already has. The file is edited through a
 * TOML library that keeps the user's comments and layout; nothing the user set is changed except a compatibility
 * date older than Stylist's, and every change is listed for the plan.
 */

/** The compatibility date the worker is built and tested against (the repository's own wrangler.toml). */
export const STYLIST_COMPATIBILITY_DATE = "2026-11-01";
export const AUTOPILOT_CRON = "*/15 * * * *";

/** Resource names `init` creates and writes; the deployed worker finds them through the bindings, not the names. */
export const RESOURCE_NAMES = {
  kv: "stylist-rules",
  d1: "stylist",
  queue: "stylist-events",
  deadLetterQueue: "stylist-events-dlq",
  bucket: "stylist-archive",
} as const;

/** The Durable Object that batches archive events (src/worker/archive-buffer.ts), as wrangler.toml names it. */
export const ARCHIVE_BUFFER = {
  binding: "ARCHIVE_BUFFER",
  className: "ArchiveBuffer",
  migrationTag: "archive-buffer-v1",
} as const;

/** wrangler.toml's placeholder for an id nobody has created yet; `--remote` replaces it, remote mode refuses it. */
const PLACEHOLDER_KV_ID = "00000000000000000000000000000000";
const PLACEHOLDER_D1_ID = "00000000-0000-0000-0000-000000000000";
export const isPlaceholderId = (id: unknown) => typeof id !== "string" || /^[0-]*$/.test(id.trim());

export interface ConfigInputs {
  /** The worker's name when the file has none. */
  workerName: string;
  /** `main`, relative to the project, when the file has none. */
  workerEntry: string;
  /** `migrations_dir` for the DB binding, relative to the project. */
  migrationsDir: string;
  originUrl: string;
  /** Ids of resources that exist (from `--remote`), replacing placeholders. */
  ids?: { kvNamespaceId?: string; d1DatabaseId?: string };
}

export interface ConfigPlan {
  text: string;
  /** One line per change, for the plan; empty when the file already has everything. */
  changes: string[];
  /** Things `init` will not change by itself but the user should know (a foreign `main`, say). */
  warnings: string[];
}

type Table = Record<string, unknown>;
const isTable = (value: unknown): value is Table =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

function tablesIn(config: Table, key: string): Table[] {
  const value = config[key];
  return Array.isArray(value) ? value.filter(isTable) : [];
}

/** Merges Stylist's requirements into a parsed config (mutating it) and returns what changed. */
function mergeRequirements(config: Table, inputs: ConfigInputs) {
  const changes: string[] = [];
  const warnings: string[] = [];

  if (typeof config.name !== "string") {
    config.name = inputs.workerName;
    changes.push(`name = "${inputs.workerName}"`);
  }
  if (typeof config.main !== "string") {
    config.main = inputs.workerEntry;
    changes.push(`main = "${inputs.workerEntry}" (Stylist's worker)`);
  } else if (!/(^|\/)(stylist\/)?src\/worker\/index\.ts$/.test(config.main)) {
    warnings.push(
      `main is "${config.main}", not Stylist's worker (${inputs.workerEntry}); Stylist runs as a worker of its own — ` +
        "give it its own project, or set main to Stylist's worker",
    );
  }
  const date = config.compatibility_date;
  const dateText =
    date instanceof Date ? date.toISOString().slice(0, 10) : typeof date === "string" ? date : "";
  if (!dateText || dateText < STYLIST_COMPATIBILITY_DATE) {
    config.compatibility_date = STYLIST_COMPATIBILITY_DATE;
    changes.push(
      dateText
        ? `compatibility_date ${dateText} → ${STYLIST_COMPATIBILITY_DATE} (Stylist is tested on this date)`
        : `compatibility_date = "${STYLIST_COMPATIBILITY_DATE}"`,
    );
  }

  const vars = isTable(config.vars) ? config.vars : {};
  const wantVars: Record<string, string> = {
    ORIGIN_URL: inputs.originUrl,
    RULES_REFRESH_SECONDS: "15",
    SINK: "d1",
  };
  for (const [name, value] of Object.entries(wantVars)) {
    if (vars[name] !== undefined) continue;
    vars[name] = value;
    changes.push(`[vars] ${name} = "${value}"`);
  }
  config.vars = vars;

  const triggers = isTable(config.triggers) ? config.triggers : {};
  const crons = Array.isArray(triggers.crons) ? triggers.crons : [];
  if (!crons.includes(AUTOPILOT_CRON)) {
    triggers.crons = [...crons, AUTOPILOT_CRON];
    config.triggers = triggers;
    changes.push(`[triggers] crons += "${AUTOPILOT_CRON}" (the autopilot, docs/autopilot.md)`);
  }

  const kv = tablesIn(config, "kv_namespaces");
  const rules = kv.find((entry) => entry.binding === "RULES");
  if (!rules) {
    config.kv_namespaces = [...kv, { binding: "RULES", id: inputs.ids?.kvNamespaceId ?? PLACEHOLDER_KV_ID }];
    changes.push(`[[kv_namespaces]] RULES (${RESOURCE_NAMES.kv})`);
  } else if (
    inputs.ids?.kvNamespaceId &&
    rules.id !== inputs.ids.kvNamespaceId &&
    isPlaceholderId(rules.id)
  ) {
    rules.id = inputs.ids.kvNamespaceId;
    changes.push(`[[kv_namespaces]] RULES id = "${inputs.ids.kvNamespaceId}"`);
  }

  const d1 = tablesIn(config, "d1_databases");
  const db = d1.find((entry) => entry.binding === "DB");
  if (!db) {
    config.d1_databases = [
      ...d1,
      {
        binding: "DB",
        database_name: RESOURCE_NAMES.d1,
        database_id: inputs.ids?.d1DatabaseId ?? PLACEHOLDER_D1_ID,
        migrations_dir: inputs.migrationsDir,
      },
    ];
    changes.push(`[[d1_databases]] DB (${RESOURCE_NAMES.d1}, migrations from ${inputs.migrationsDir})`);
  } else {
    if (
      inputs.ids?.d1DatabaseId &&
      db.database_id !== inputs.ids.d1DatabaseId &&
      isPlaceholderId(db.database_id)
    ) {
      db.database_id = inputs.ids.d1DatabaseId;
      changes.push(`[[d1_databases]] DB database_id = "${inputs.ids.d1DatabaseId}"`);
    }
    if (db.migrations_dir === undefined) {
      db.migrations_dir = inputs.migrationsDir;
      changes.push(`[[d1_databases]] DB migrations_dir = "${inputs.migrationsDir}"`);
    }
  }

  const queues = isTable(config.queues) ? config.queues : {};
  const changesBeforeQueues = changes.length;
  const producers = tablesIn(queues, "producers");
  const producer = producers.find((entry) => entry.binding === "EVENTS");
  if (!producer) {
    queues.producers = [...producers, { binding: "EVENTS", queue: RESOURCE_NAMES.queue }];
    changes.push(`[[queues.producers]] EVENTS → ${RESOURCE_NAMES.queue}`);
  }
  const eventsQueue = typeof producer?.queue === "string" ? producer.queue : RESOURCE_NAMES.queue;
  const consumers = tablesIn(queues, "consumers");
  if (!consumers.some((entry) => entry.queue === eventsQueue)) {
    queues.consumers = [
      ...consumers,
      {
        queue: eventsQueue,
        max_batch_size: 100,
        max_batch_timeout: 2,
        max_retries: 5,
        dead_letter_queue: RESOURCE_NAMES.deadLetterQueue,
      },
    ];
    changes.push(`[[queues.consumers]] ${eventsQueue}, dead letters to ${RESOURCE_NAMES.deadLetterQueue}`);
  } else {
    const consumer = consumers.find((entry) => entry.queue === eventsQueue) as Table;
    if (consumer.dead_letter_queue === undefined) {
      consumer.dead_letter_queue = RESOURCE_NAMES.deadLetterQueue;
      changes.push(
        `[[queues.consumers]] ${eventsQueue} dead_letter_queue = "${RESOURCE_NAMES.deadLetterQueue}"`,
      );
    }
  }
  if (changes.length > changesBeforeQueues) config.queues = queues;

  const buckets = tablesIn(config, "r2_buckets");
  if (!buckets.some((entry) => entry.binding === "ARCHIVE")) {
    config.r2_buckets = [...buckets, { binding: "ARCHIVE", bucket_name: RESOURCE_NAMES.bucket }];
    changes.push(`[[r2_buckets]] ARCHIVE (${RESOURCE_NAMES.bucket}, used when SINK = "r2")`);
  }
  mergeArchiveBuffer(config, changes);
  return { changes, warnings };
}

/**
 * The archive's batching buffer: a Durable Object binding and the migration that creates its SQLite-backed class.
 * Without the migration `wrangler deploy` refuses the binding, so the two are added (and checked) separately.
 */
function mergeArchiveBuffer(config: Table, changes: string[]) {
  const durableObjects = isTable(config.durable_objects) ? config.durable_objects : {};
  const bindings = tablesIn(durableObjects, "bindings");
  if (!bindings.some((entry) => entry.name === ARCHIVE_BUFFER.binding)) {
    durableObjects.bindings = [
      ...bindings,
      { name: ARCHIVE_BUFFER.binding, class_name: ARCHIVE_BUFFER.className },
    ];
    config.durable_objects = durableObjects;
    changes.push(
      `[[durable_objects.bindings]] ${ARCHIVE_BUFFER.binding} (${ARCHIVE_BUFFER.className}: batches the archive into large files when SINK = "r2")`,
    );
  }
  const migrations = tablesIn(config, "migrations");
  if (!migrations.some(createsArchiveBuffer)) {
    config.migrations = [
      ...migrations,
      { tag: ARCHIVE_BUFFER.migrationTag, new_sqlite_classes: [ARCHIVE_BUFFER.className] },
    ];
    changes.push(
      `[[migrations]] ${ARCHIVE_BUFFER.migrationTag}: new_sqlite_classes = ["${ARCHIVE_BUFFER.className}"]`,
    );
  }
}

/** Whether a `[[migrations]]` entry creates the buffer's class (SQLite-backed or, from an older config, KV-backed). */
export function createsArchiveBuffer(migration: Table): boolean {
  return ["new_sqlite_classes", "new_classes"].some((key) => {
    const classes = migration[key];
    return Array.isArray(classes) && classes.includes(ARCHIVE_BUFFER.className);
  });
}

// The parser returns null-prototype tables and Date objects; compare what they say, not how they are built.
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** A new file starts from this; everything else comes from the same merge an existing file gets. */
const NEW_FILE_HEADER =
  "# Stylist in front of the storefront at ORIGIN_URL, written by `stylist init`.\n" +
  "# Secrets are never written here: `wrangler secret put VISITOR_SECRET` (locally, .dev.vars).\n" +
  "# Check a deployment with `npx stylist doctor`; see docs/deploy.md.\n";

/**
 * The new text of wrangler.toml (or of a new one, for `existing` undefined) with Stylist's requirements merged in.
 * Throws when the file is not valid TOML: `init` then writes nothing.
 */
export function planWranglerConfig(existing: string | undefined, inputs: ConfigInputs): ConfigPlan {
  const source = existing ?? NEW_FILE_HEADER;
  const before = parse(source) as Table;
  const merged = structuredClone(before);
  const { changes, warnings } = mergeRequirements(merged, inputs);
  if (changes.length === 0) return { text: source, changes, warnings };

  // The library patches values and tables in place, but cannot yet add a key whose value is a new array of tables
  // (or a table holding them) to a document without one; those are written by its own stringify after the rest.
  const patched: Table = {};
  const appended: Table = {};
  for (const [key, value] of Object.entries(merged)) {
    const isNewSection =
      !(key in before) && (Array.isArray(value) || isTable(value)) && key !== "vars" && key !== "triggers";
    (isNewSection ? appended : patched)[key] = value;
  }
  let text = patch(source, { ...patched }, { inlineTableStart: 3 });
  if (Object.keys(appended).length > 0) {
    text = `${text.replace(/\n*$/, "\n")}\n${stringify(appended, { inlineTableStart: 3 })}`;
  }
  // Belt and braces: whatever the library did, the result must read back as exactly the merged config.
  if (!isDeepStrictEqual(plain(parse(text)), plain(merged))) {
    throw new Error("could not merge into wrangler.toml without changing what it says; nothing was written");
  }
  return { text, changes, warnings };
}
