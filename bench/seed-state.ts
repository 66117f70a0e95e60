import { readdirSync, readFileSync } from "node:fs";
import { kvRuleStore } from "../src/rules/store.ts";
import { pushRules } from "../src/rules/versions.ts";
import type { RuleSet } from "./rules-fixture.ts";
import type { Workerd } from "./workerd.ts";

const MIGRATIONS = new URL("../migrations/", import.meta.url);

/** Splits a migration into statements; the project's migrations hold no semicolons inside strings. */
function statements(sql: string): string[] {
  return sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .split(";")
    .map((statement) => statement.trim())
    .filter((statement) => statement !== "");
}

/** Applies migrations/ in order, as `wrangler d1 migrations apply` would on a fresh database. */
export async function applyMigrations(workerd: Workerd): Promise<string[]> {
  const db = await workerd.mf.getD1Database("DB", "stylist-consumer");
  const files = readdirSync(MIGRATIONS)
    .filter((file) => file.endsWith(".sql"))
    .sort();
  for (const file of files) {
    const sql = readFileSync(new URL(file, MIGRATIONS), "utf8");
    await db.batch(statements(sql).map((statement) => db.prepare(statement)));
  }
  return files;
}

/** Pushes each rule set into its worker's KV namespace through the same code path as `stylist push`. */
export async function pushRuleSets(workerd: Workerd, ruleSets: readonly RuleSet[]): Promise<void> {
  for (const ruleSet of ruleSets) {
    const kv = await workerd.mf.getKVNamespace("RULES", `stylist-${ruleSet.name}`);
    await pushRules(
      kvRuleStore(kv),
      { experiments: ruleSet.experiments, ...(ruleSet.settings ? { settings: ruleSet.settings } : {}) },
      {
        author: "bench",
        message: `${ruleSet.experiments.length} rules, ${ruleSet.eligible} on the product page`,
      },
    );
  }
}

export async function storedEventCount(workerd: Workerd): Promise<number> {
  const db = await workerd.mf.getD1Database("DB", "stylist-consumer");
  // D1 keeps one row per visitor, experiment phase and arm, folding repeats into `views` (migration 0004): the bench's
  // visitor is one cookie, so rows stop growing after the first page view and only `views` counts what was stored.
  const row = await db
    .prepare("SELECT (SELECT COALESCE(SUM(views), 0) FROM events) + (SELECT COUNT(*) FROM conversions) AS n")
    .first<{ n: number }>();
  return row?.n ?? 0;
}
