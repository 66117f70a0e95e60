import { existsSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import type { Snapshot } from "../../core/schema/snapshot.ts";
import type { RuleStore } from "../../rules/store.ts";
import { readActive } from "../../rules/versions.ts";
import { pendingMigrations } from "../init/migrations.ts";
import type { LoadedRules } from "../load-rules.ts";
import { type Finding, fail, ok, skip, warn } from "./finding.ts";

type Query = (sql: string, params?: string[]) => Promise<Array<Record<string, unknown>>>;

/** Every migration file in the DB binding's migrations_dir is recorded as applied in d1_migrations. */
export async function migrationChecks(
  query: Query,
  dir: string | undefined,
  remote: boolean,
): Promise<Finding> {
  const apply = `npx wrangler d1 migrations apply DB ${remote ? "--remote" : "--local"}`;
  if (!dir || !existsSync(dir)) {
    return fail(
      "migrations",
      `no migrations_dir for DB (${dir ?? "unset"}): the tables are never created`,
      "npx stylist init",
    );
  }
  const pending = await pendingMigrations(query, dir);
  return pending.length === 0
    ? ok("migrations", "every D1 migration is applied")
    : fail(
        "migrations",
        `${pending.length} D1 migration(s) not applied: ${pending.map((m) => m.name).join(", ")}`,
        apply,
      );
}

/** Rules are pushed (the active pointer and its snapshot read and parse), and the rule files match what is live. */
export async function ruleChecks(
  store: RuleStore,
  local: LoadedRules | Error | undefined,
  remote: boolean,
): Promise<{ findings: Finding[]; active: Snapshot | undefined }> {
  const push = `npx stylist push${remote ? " --remote" : ""}`;
  let active: Snapshot | undefined;
  try {
    active = await readActive(store);
  } catch (error) {
    return {
      findings: [
        fail(
          "rules",
          `the active rules cannot be read: ${(error as Error).message}`,
          `npx stylist rollback${remote ? " --remote" : ""}, or ${push}`,
        ),
      ],
      active: undefined,
    };
  }
  if (!active) {
    return {
      findings: [fail("rules", "no rules pushed: the worker serves every page as the origin sent it", push)],
      active,
    };
  }
  const findings: Finding[] = [
    ok("rules", `version ${active.version} is active and valid (${active.experiments.length} experiment(s))`),
  ];
  if (local instanceof Error) {
    findings.push(
      fail("rule-files", `the rule files do not validate: ${local.message}`, "npx stylist validate"),
    );
  } else if (!local) {
    findings.push(skip("rule-files", "no rules/ directory here to compare with the active version"));
  } else {
    const same =
      isDeepStrictEqual(plain(local.experiments), plain(active.experiments)) &&
      isDeepStrictEqual(plain(local.settings), plain(active.settings)) &&
      isDeepStrictEqual(plain(local.audiences), plain(active.audiences));
    findings.push(
      same
        ? ok("rule-files", "rules/ is what is live")
        : warn(
            "rule-files",
            `rules/ differs from active version ${active.version}`,
            `npx stylist diff${remote ? " --remote" : ""}, then ${push}`,
          ),
    );
  }
  return { findings, active };
}

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));
