import Cloudflare from "cloudflare";
import type { Account } from "../cloudflare/client.ts";
import type { DeploymentConfig } from "./config-checks.ts";
import { type Finding, fail, ok, warn } from "./finding.ts";

/** Queue backlog above which the consumer is called behind (a full batch is 100 messages). */
const BACKLOG_WARNING = 1_000;

/** The bound resources exist in the account, under the ids and names wrangler.toml gives. */
export async function accountChecks(account: Account, config: DeploymentConfig): Promise<Finding[]> {
  const { client, accountId } = account;
  const findings: Finding[] = [];
  const rules = config.kv_namespaces.find((entry) => entry.binding === "RULES");
  if (rules?.id) {
    const ids = new Set<string>();
    for await (const namespace of client.kv.namespaces.list({ account_id: accountId, per_page: 100 }))
      ids.add(namespace.id);
    findings.push(
      ids.has(rules.id)
        ? ok("account:RULES", `KV namespace ${rules.id} exists`)
        : fail(
            "account:RULES",
            `KV namespace ${rules.id} (RULES) does not exist in account ${accountId}`,
            "npx stylist init --remote, or fix the id",
          ),
    );
  }
  const db = config.d1_databases.find((entry) => entry.binding === "DB");
  if (db?.database_id) {
    const ids = new Set<string>();
    for await (const database of client.d1.database.list({ account_id: accountId }))
      if (database.uuid) ids.add(database.uuid);
    findings.push(
      ids.has(db.database_id)
        ? ok("account:DB", `D1 database ${db.database_id} exists`)
        : fail(
            "account:DB",
            `D1 database ${db.database_id} (DB) does not exist in account ${accountId}`,
            "npx stylist init --remote, or fix the id",
          ),
    );
  }
  const queues = new Map<string, string>();
  for await (const queue of client.queues.list({ account_id: accountId }))
    if (queue.queue_name && queue.queue_id) queues.set(queue.queue_name, queue.queue_id);
  const producer = config.queues.producers?.find((entry) => entry.binding === "EVENTS");
  const consumer = producer && config.queues.consumers?.find((entry) => entry.queue === producer.queue);
  for (const [name, role] of [
    [producer?.queue, "events"],
    [consumer?.dead_letter_queue, "dead-letter"],
  ] as const) {
    if (!name) continue;
    const id = queues.get(name);
    if (!id) {
      findings.push(
        fail(
          `account:queue:${name}`,
          `queue ${name} does not exist`,
          `npx wrangler queues create ${name} (or npx stylist init --remote)`,
        ),
      );
      continue;
    }
    const metrics = await client.queues.getMetrics(id, { account_id: accountId });
    const backlog = metrics.backlog_count ?? 0;
    if (role === "dead-letter") {
      findings.push(
        backlog > 0
          ? fail(
              "queue:dead-letter",
              `${backlog} message(s) in the dead-letter queue ${name}: those events were never written`,
              "find the cause in the consumer's logs (`npx wrangler tail`), then replay or purge the dead-letter queue",
            )
          : ok("queue:dead-letter", `dead-letter queue ${name} is empty`),
      );
    } else {
      findings.push(
        backlog > BACKLOG_WARNING
          ? warn(
              "queue",
              `${backlog} message(s) waiting in ${name}: the consumer is behind`,
              "check the consumer's errors and the sink (D1 size, R2)",
            )
          : ok("queue", `${name} drains (${backlog} waiting)`),
      );
    }
  }
  return findings;
}

/** Names of the secrets set on the deployed worker; undefined when the worker is not deployed. */
export async function deployedSecretNames(
  account: Account,
  scriptName: string,
): Promise<Set<string> | undefined> {
  try {
    const names = new Set<string>();
    for await (const secret of account.client.workers.scripts.secrets.list(scriptName, {
      account_id: account.accountId,
    }))
      if (secret.name) names.add(secret.name);
    return names;
  } catch (error) {
    if (error instanceof Cloudflare.APIError && error.status === 404) return undefined;
    throw error;
  }
}
