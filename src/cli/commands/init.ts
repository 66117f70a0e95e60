import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parse } from "@decimalturn/toml-patch";
import { defineCommand } from "citty";
import { describeApiError, openAccount } from "../cloudflare/client.ts";
import { CLIError, EXIT } from "../errors.ts";
import { planDevVars, planGitignore, planStarterRules } from "../init/project-files.ts";
import { planRemote, type RemotePlan } from "../init/remote-resources.ts";
import { fromProject, stylistPaths } from "../init/stylist-package.ts";
import { type ConfigInputs, isPlaceholderId, planWranglerConfig } from "../init/wrangler-config.ts";

/** Written when no --origin is given; `doctor` reports it until it is replaced. */
export const PLACEHOLDER_ORIGIN = "https://origin.example.com";

const workerNameFrom = (folder: string) =>
  folder
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63) || "stylist";

function readExisting(configPath: string): { text: string; parsed: Record<string, unknown> } | undefined {
  if (!existsSync(configPath)) return undefined;
  const text = readFileSync(configPath, "utf8");
  try {
    return { text, parsed: parse(text) as Record<string, unknown> };
  } catch (error) {
    throw new CLIError(
      `${configPath} is not valid TOML: ${(error as Error).message}; nothing was changed`,
      EXIT.invalid,
    );
  }
}

function tableId(parsed: Record<string, unknown> | undefined, key: string, binding: string, field: string) {
  const entries = parsed?.[key];
  if (!Array.isArray(entries)) return undefined;
  const id = entries.find((entry) => entry?.binding === binding)?.[field];
  return typeof id === "string" && !isPlaceholderId(id) ? id : undefined;
}

export default defineCommand({
  meta: {
    name: "init",
    description:
      "Set up Stylist in this folder (empty, or an existing wrangler project): wrangler.toml, starter rules, local secrets; with --remote, the account's resources",
  },
  args: {
    dir: { type: "positional", required: false, default: ".", description: "Project folder" },
    origin: { type: "string", description: "The storefront's URL (ORIGIN_URL), when the config has none" },
    name: {
      type: "string",
      description: "The worker's name, when the config has none (default: the folder's)",
    },
    remote: {
      type: "boolean",
      description: "Also create the KV namespace, D1 database (+ migrations), queues, R2 bucket and secrets",
    },
    "dry-run": { type: "boolean", description: "Print the plan and change nothing" },
  },
  async run({ args }) {
    const root = resolve(args.dir);
    const configPath = join(root, "wrangler.toml");
    for (const other of ["wrangler.json", "wrangler.jsonc"]) {
      if (!existsSync(configPath) && existsSync(join(root, other))) {
        throw new CLIError(
          `${join(root, other)}: init edits wrangler.toml only; convert the config to TOML, or add what \`stylist init --dry-run\` in an empty folder lists by hand`,
          EXIT.invalid,
        );
      }
    }
    const existing = readExisting(configPath);
    const workerName =
      typeof existing?.parsed.name === "string"
        ? existing.parsed.name
        : (args.name ?? workerNameFrom(basename(root)));
    const inputs: ConfigInputs = {
      workerName,
      workerEntry: fromProject(root, stylistPaths.worker),
      migrationsDir: fromProject(root, stylistPaths.migrations),
      originUrl: args.origin ?? PLACEHOLDER_ORIGIN,
    };

    let remote: RemotePlan | undefined;
    let accountLine = "";
    if (args.remote) {
      const configured = {
        kvNamespaceId: tableId(existing?.parsed, "kv_namespaces", "RULES", "id"),
        d1DatabaseId: tableId(existing?.parsed, "d1_databases", "DB", "database_id"),
      };
      try {
        const account = await openAccount({
          env: process.env,
          configAccountId:
            typeof existing?.parsed.account_id === "string" ? existing.parsed.account_id : undefined,
        });
        accountLine = `Cloudflare account ${account.accountId} (${account.credentials.source}):`;
        const migrationsDir = resolve(
          root,
          String(
            (existing?.parsed.d1_databases as Array<Record<string, unknown>> | undefined)?.find(
              (db) => db.binding === "DB",
            )?.migrations_dir ?? inputs.migrationsDir,
          ),
        );
        remote = await planRemote(account, {
          workerName,
          migrationsDir,
          configured: Object.fromEntries(
            Object.entries(configured).filter(([, id]) => id),
          ) as RemotePlan["ids"],
        });
      } catch (error) {
        throw new CLIError(`--remote: ${describeApiError(error)}; nothing was changed`, EXIT.failed);
      }
    }

    let config: ReturnType<typeof planWranglerConfig>;
    try {
      config = planWranglerConfig(existing?.text, { ...inputs, ...(remote ? { ids: remote.ids } : {}) });
    } catch (error) {
      throw new CLIError(`${configPath}: ${(error as Error).message}`, EXIT.failed);
    }
    const rulesDir = join(root, "rules");
    const files = [
      planStarterRules(rulesDir, fromProject(rulesDir, stylistPaths.schema)),
      planDevVars(root),
      planGitignore(root),
    ].filter((change) => change !== undefined);
    const remoteWork = remote?.steps.filter((step) => step.apply) ?? [];

    const show = (path: string) => relative(process.cwd(), path) || path;
    console.log(`stylist init in ${root} (${existing ? "existing wrangler.toml" : "new project"})`);
    if (config.changes.length > 0) {
      console.log(`  ${show(configPath)}${existing ? "" : " (new)"}:`);
      for (const change of config.changes) console.log(`    + ${change}`);
    }
    for (const file of files) console.log(`  ${show(file.path)}: + ${file.description}`);
    if (remote) {
      console.log(`  ${accountLine}`);
      for (const step of remote.steps) console.log(`    ${step.apply ? "+" : "="} ${step.description}`);
    }
    for (const warning of config.warnings) console.log(`warning: ${warning}`);
    for (const note of remote?.notes ?? []) console.log(`note: ${note}`);

    if (config.changes.length === 0 && files.length === 0 && remoteWork.length === 0) {
      console.log(
        "Nothing to do: the project already has everything Stylist needs. `npx stylist doctor` checks it.",
      );
      return;
    }
    if (args["dry-run"]) {
      console.log("Dry run: nothing was changed.");
      return;
    }

    for (const step of remoteWork) {
      try {
        await step.apply?.();
      } catch (error) {
        throw new CLIError(
          `${step.description} failed: ${describeApiError(error)}. What was done before it stays; run init again to continue.`,
          EXIT.failed,
        );
      }
      console.log(`  done: ${step.description}`);
    }
    // The ids of what was just created go into the file now.
    const final = remote ? planWranglerConfig(existing?.text, { ...inputs, ids: remote.ids }) : config;
    mkdirSync(root, { recursive: true });
    if (final.changes.length > 0) writeFileSync(configPath, final.text);
    for (const file of files) {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.text);
    }

    const origin =
      typeof (existing?.parsed.vars as Record<string, unknown> | undefined)?.ORIGIN_URL === "string";
    console.log("\nNext:");
    if (!origin && !args.origin) console.log(`  set ORIGIN_URL in wrangler.toml (now ${PLACEHOLDER_ORIGIN})`);
    if (args.remote) {
      console.log(
        "  npx wrangler deploy              the worker (then route the shop's hostname to it: docs/deploy.md)",
      );
      console.log("  npx stylist push --remote        the rules, into the account's KV");
      console.log("  npx stylist doctor --remote      check the deployment end to end");
    } else {
      console.log("  npx wrangler d1 migrations apply DB --local");
      console.log("  npx stylist push                 the rules, into local KV");
      console.log("  npx wrangler dev                 the shop through Stylist, locally");
      console.log(
        "  npx stylist doctor               check it; `npx stylist init --remote` when ready to deploy",
      );
    }
  },
});
