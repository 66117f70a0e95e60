import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * D1 migrations tracked exactly as wrangler tracks them (the `d1_migrations` table, one row per applied file name),
 * so `wrangler d1 migrations apply` and `stylist init --remote` / `doctor` agree on what has been applied.
 */
const MIGRATIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);`;

export interface Migration {
  name: string;
  sql: string;
}

/** The migration files in wrangler's order (file name order), as wrangler reads them. */
export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), "utf8") }));
}

type Query = (sql: string, params?: string[]) => Promise<Array<Record<string, unknown>>>;

/** The names of applied migrations; none when the tracking table does not exist yet. */
async function appliedMigrations(query: Query): Promise<Set<string>> {
  const tables = await query(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'd1_migrations'",
  );
  if (tables.length === 0) return new Set();
  const rows = await query("SELECT name FROM d1_migrations");
  return new Set(rows.map((row) => String(row.name)));
}

export async function pendingMigrations(query: Query, dir: string): Promise<Migration[]> {
  const applied = await appliedMigrations(query);
  return readMigrations(dir).filter((migration) => !applied.has(migration.name));
}

/** Applies each pending migration, then records it, as wrangler does. */
export async function applyMigrations(query: Query, pending: Migration[]): Promise<void> {
  await query(MIGRATIONS_TABLE_SQL);
  for (const migration of pending) {
    await query(migration.sql);
    await query("INSERT INTO d1_migrations (name) VALUES (?)", [migration.name]);
  }
}
