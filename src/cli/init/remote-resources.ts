import { randomBytes } from "node:crypto";
import Cloudflare from "cloudflare";
import type { Account } from "../cloudflare/client.ts";
import { queryD1 } from "../cloudflare/d1.ts";
import { applyMigrations, pendingMigrations, readMigrations } from "./migrations.ts";
import { RESOURCE_NAMES } from "./wrangler-config.ts";

/**
 * What `init --remote` finds in the account and what it would create: each resource looked up by name first, so a
 * second run creates nothing. Ids of resources that already exist are known at plan time; the others once created.
 */

interface RemoteStep {
  /** "create KV namespace stylist-rules", or what is already there. */
  description: string;
  /** Undefined when there is nothing to do. */
  apply?: () => Promise<void>;
}

export interface RemotePlan {
  steps: RemoteStep[];
  /** Filled at plan time for what exists, and by `apply` for what it creates. */
  ids: { kvNamespaceId?: string; d1DatabaseId?: string };
  /** Things to do by hand (a secret whose worker is not deployed yet). */
  notes: string[];
}

export interface RemoteInputs {
  workerName: string;
  migrationsDir: string;
  /** Ids already in wrangler.toml (not placeholders): used as they are, never replaced. */
  configured: { kvNamespaceId?: string; d1DatabaseId?: string };
}

const isNotFound = (error: unknown) => error instanceof Cloudflare.APIError && error.status === 404;

export async function planRemote(account: Account, inputs: RemoteInputs): Promise<RemotePlan> {
  const { client, accountId } = account;
  const plan: RemotePlan = { steps: [], ids: { ...inputs.configured }, notes: [] };

  if (!plan.ids.kvNamespaceId) {
    let found: string | undefined;
    for await (const namespace of client.kv.namespaces.list({ account_id: accountId, per_page: 100 })) {
      if (namespace.title === RESOURCE_NAMES.kv) found = namespace.id;
    }
    if (found) {
      plan.ids.kvNamespaceId = found;
      plan.steps.push({ description: `KV namespace ${RESOURCE_NAMES.kv} exists (${found})` });
    } else {
      plan.steps.push({
        description: `create KV namespace ${RESOURCE_NAMES.kv}`,
        apply: async () => {
          const created = await client.kv.namespaces.create({
            account_id: accountId,
            title: RESOURCE_NAMES.kv,
          });
          plan.ids.kvNamespaceId = created.id;
        },
      });
    }
  } else {
    plan.steps.push({
      description: `KV namespace for RULES: ${plan.ids.kvNamespaceId} (from wrangler.toml)`,
    });
  }

  if (!plan.ids.d1DatabaseId) {
    let found: string | undefined;
    for await (const database of client.d1.database.list({
      account_id: accountId,
      name: RESOURCE_NAMES.d1,
    })) {
      if (database.name === RESOURCE_NAMES.d1 && database.uuid) found = database.uuid;
    }
    if (found) {
      plan.ids.d1DatabaseId = found;
      plan.steps.push({ description: `D1 database ${RESOURCE_NAMES.d1} exists (${found})` });
    } else {
      plan.steps.push({
        description: `create D1 database ${RESOURCE_NAMES.d1}`,
        apply: async () => {
          const created = await client.d1.database.create({ account_id: accountId, name: RESOURCE_NAMES.d1 });
          if (!created.uuid) throw new Error("D1 created a database but returned no uuid");
          plan.ids.d1DatabaseId = created.uuid;
        },
      });
    }
  } else {
    plan.steps.push({ description: `D1 database for DB: ${plan.ids.d1DatabaseId} (from wrangler.toml)` });
  }

  // Migrations: against the existing database now; a database about to be created needs every one.
  const query = (sql: string, params?: string[]) => {
    if (!plan.ids.d1DatabaseId) throw new Error("no D1 database to migrate");
    return queryD1(account, plan.ids.d1DatabaseId, sql, params);
  };
  const pending = plan.ids.d1DatabaseId
    ? await pendingMigrations(query, inputs.migrationsDir)
    : readMigrations(inputs.migrationsDir);
  plan.steps.push(
    pending.length === 0
      ? { description: "D1 migrations: all applied" }
      : {
          description: `apply ${pending.length} D1 migration(s): ${pending.map((m) => m.name).join(", ")}`,
          apply: () => applyMigrations(query, pending),
        },
  );

  const queues = new Set<string>();
  for await (const queue of client.queues.list({ account_id: accountId })) {
    if (queue.queue_name) queues.add(queue.queue_name);
  }
  for (const name of [RESOURCE_NAMES.queue, RESOURCE_NAMES.deadLetterQueue]) {
    plan.steps.push(
      queues.has(name)
        ? { description: `queue ${name} exists` }
        : {
            description: `create queue ${name}`,
            apply: async () => {
              await client.queues.create({ account_id: accountId, queue_name: name });
            },
          },
    );
  }

  const buckets = await client.r2.buckets.list({ account_id: accountId });
  const hasBucket = (buckets.buckets ?? []).some((bucket) => bucket.name === RESOURCE_NAMES.bucket);
  plan.steps.push(
    hasBucket
      ? { description: `R2 bucket ${RESOURCE_NAMES.bucket} exists` }
      : {
          description: `create R2 bucket ${RESOURCE_NAMES.bucket}`,
          apply: async () => {
            await client.r2.buckets.create({ account_id: accountId, name: RESOURCE_NAMES.bucket });
          },
        },
  );

  // A secret belongs to a deployed worker: before the first deploy there is nothing to set it on.
  let secrets: Set<string> | undefined;
  try {
    secrets = new Set();
    for await (const secret of client.workers.scripts.secrets.list(inputs.workerName, {
      account_id: accountId,
    })) {
      secrets.add(secret.name ?? "");
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
    secrets = undefined;
  }
  if (!secrets) {
    plan.notes.push(
      `the worker "${inputs.workerName}" is not deployed yet, so VISITOR_SECRET cannot be set: after ` +
        "`npx wrangler deploy`, run `npx stylist init --remote` again (it sets a random one)",
    );
  } else if (secrets.has("VISITOR_SECRET")) {
    plan.steps.push({ description: "secret VISITOR_SECRET is set" });
  } else {
    plan.steps.push({
      description: "set secret VISITOR_SECRET (random, 32 bytes; never shown)",
      apply: async () => {
        await client.workers.scripts.secrets.update(inputs.workerName, {
          account_id: accountId,
          name: "VISITOR_SECRET",
          text: randomBytes(32).toString("base64url"),
          type: "secret_text",
        });
      },
    });
  }
  return plan;
}
