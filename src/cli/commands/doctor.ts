import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { defineCommand } from "citty";
import { withBackend } from "../backend.ts";
import { describeApiError, openAccount } from "../cloudflare/client.ts";
import { queryD1 } from "../cloudflare/d1.ts";
import { accountChecks, deployedSecretNames } from "../doctor/account-checks.ts";
import { configChecks, type DeploymentConfig, workerHosts } from "../doctor/config-checks.ts";
import { type Finding, fail, skip } from "../doctor/finding.ts";
import { originChecks, queueProbe, workerChecks } from "../doctor/live-checks.ts";
import { parseDevVars, type SecretSpec, secretChecks } from "../doctor/secret-checks.ts";
import { migrationChecks, ruleChecks } from "../doctor/state-checks.ts";
import { CLIError, EXIT } from "../errors.ts";
import { type LoadedRules, loadValidRules } from "../load-rules.ts";
import { localOrigin, localSite } from "../local-ports.ts";
import { printJson } from "../output.ts";
import { PLACEHOLDER_ORIGIN } from "./init.ts";

async function readDeploymentConfig(configPath: string): Promise<DeploymentConfig> {
  const { unstable_readConfig } = await import("wrangler");
  // wrangler's own reader, so every form of config wrangler accepts (and its defaults) is what is checked.
  const config = unstable_readConfig({ config: configPath }, { hideWarnings: true }) as unknown as {
    name?: string;
    main?: string;
    vars: Record<string, unknown>;
    kv_namespaces: Array<{ binding: string; id?: string }>;
    d1_databases: Array<{ binding: string; database_id?: string; migrations_dir?: string }>;
    queues: {
      producers?: Array<{ binding: string; queue: string }>;
      consumers?: Array<{ queue: string; dead_letter_queue?: string }>;
    };
    r2_buckets: Array<{ binding: string; bucket_name?: string }>;
    durable_objects: { bindings: Array<{ name: string; class_name?: string }> };
    migrations: Array<Record<string, unknown>>;
    triggers: { crons?: string[] };
    routes?: unknown;
    route?: unknown;
  };
  const root = dirname(configPath);
  return {
    name: config.name,
    main: config.main,
    vars: config.vars as Record<string, unknown>,
    kv_namespaces: config.kv_namespaces.map((ns) => ({ binding: ns.binding, id: ns.id })),
    d1_databases: config.d1_databases.map((db) => ({
      binding: db.binding,
      database_id: db.database_id,
      // wrangler's default when unset.
      migrations_dir: resolve(root, db.migrations_dir ?? "migrations"),
    })),
    queues: {
      producers: config.queues.producers?.map((p) => ({ binding: p.binding, queue: p.queue })),
      consumers: config.queues.consumers?.map((c) => ({
        queue: c.queue,
        dead_letter_queue: c.dead_letter_queue,
      })),
    },
    r2_buckets: config.r2_buckets.map((bucket) => ({
      binding: bucket.binding,
      bucket_name: bucket.bucket_name,
    })),
    durable_objects: {
      bindings: config.durable_objects.bindings.map((entry) => ({
        name: entry.name,
        class_name: entry.class_name,
      })),
    },
    migrations: config.migrations,
    triggers: { crons: config.triggers.crons },
    routes: config.routes as DeploymentConfig["routes"],
    route: config.route as DeploymentConfig["route"],
  };
}

const LABEL = { ok: "ok  ", warn: "warn", fail: "FAIL", skip: "skip" } as const;

export default defineCommand({
  meta: {
    name: "doctor",
    description:
      "Check a deployment end to end (bindings, migrations, secrets, origin, compression, rules, a page through the worker, the queue) and print the fixes",
  },
  args: {
    config: { type: "string", description: "Path to wrangler.toml", default: "wrangler.toml" },
    remote: { type: "boolean", description: "Check the Cloudflare account and the deployed worker" },
    "persist-to": {
      type: "string",
      description: "Local state directory, as given to `wrangler dev --persist-to`",
    },
    url: {
      type: "string",
      description: "Where the worker answers (default: the local one, or the first route with --remote)",
    },
    path: { type: "string", description: "A page of the shop to request through the worker", default: "/" },
    dir: {
      type: "string",
      description: "Directory of rule files to compare with the active version",
      default: "rules",
    },
    json: { type: "boolean", description: "Print the findings as JSON" },
  },
  async run({ args }) {
    const configPath = resolve(args.config);
    const remote = Boolean(args.remote);
    const findings: Finding[] = [];
    const report = () => {
      if (args.json) printJson({ healthy: !findings.some((f) => f.status === "fail"), findings });
      else {
        for (const finding of findings) {
          console.log(`${LABEL[finding.status]}  ${finding.check}: ${finding.message}`);
          if (finding.fix && finding.status !== "ok") console.log(`      fix: ${finding.fix}`);
        }
        const failed = findings.filter((f) => f.status === "fail").length;
        const warned = findings.filter((f) => f.status === "warn").length;
        console.log(
          failed === 0
            ? `\nHealthy${warned ? `, with ${warned} warning(s)` : ""}.`
            : `\n${failed} problem(s)${warned ? ` and ${warned} warning(s)` : ""}: apply the fixes above, then run doctor again.`,
        );
      }
      if (findings.some((f) => f.status === "fail")) throw new CLIError("", EXIT.failed);
    };

    if (!existsSync(configPath)) {
      findings.push(
        fail("config", `no wrangler config at ${configPath}`, "npx stylist init (or pass --config)"),
      );
      return report();
    }
    const config = await readDeploymentConfig(configPath);
    const root = dirname(configPath);
    findings.push(...configChecks(config, { remote }));
    const has = (check: string) => findings.some((f) => f.check === check && f.status !== "fail");

    let account: Awaited<ReturnType<typeof openAccount>> | undefined;
    if (remote) {
      try {
        account = await openAccount({ env: process.env });
        findings.push(...(await accountChecks(account, config)));
      } catch (error) {
        findings.push(
          fail(
            "account",
            `the account cannot be checked: ${describeApiError(error)}`,
            "see docs/remote-mode.md",
          ),
        );
      }
    }

    let localRules: LoadedRules | Error | undefined;
    if (existsSync(resolve(args.dir))) {
      try {
        localRules = loadValidRules(args.dir);
      } catch (error) {
        localRules = error as Error;
      }
    }

    const devVars = join(root, ".dev.vars");
    const localValues = () => {
      const values = existsSync(devVars) ? parseDevVars(readFileSync(devVars, "utf8")) : {};
      // The environment wins, as it does for `simulate` and wrangler's own --var.
      for (const name of ["VISITOR_SECRET", "SERVER_EVENTS_SECRET"]) {
        const value = process.env[name];
        if (value !== undefined) {
          if (value) values[name] = value;
          else delete values[name];
        }
      }
      return values;
    };
    const deployedNames =
      remote && account && config.name ? await deployedSecretNames(account, config.name) : undefined;
    const checkSecrets = (specs: SecretSpec[]) => {
      if (!remote) return secretChecks(specs, { values: localValues() }, false);
      if (deployedNames) return secretChecks(specs, { names: deployedNames }, true);
      return [
        fail(
          `secret:${specs[0]?.name}`,
          `the worker ${config.name ?? "(no name)"} is not deployed, so no secret is set`,
          "npx wrangler deploy",
        ),
      ];
    };
    findings.push(
      ...checkSecrets([
        {
          name: "VISITOR_SECRET",
          required: true,
          purpose: "the worker cannot sign visitor cookies and serves every page untouched",
        },
        {
          name: "SERVER_EVENTS_SECRET",
          required: false,
          purpose: "needed when the shop's backend reports orders",
        },
      ]),
    );

    const hosts = workerHosts(config);
    const originUrl = remote
      ? config.vars.ORIGIN_URL
      : (localOrigin(typeof config.vars.ORIGIN_URL === "string" ? config.vars.ORIGIN_URL : undefined) ??
        config.vars.ORIGIN_URL);
    findings.push(...(await originChecks(originUrl, hosts, PLACEHOLDER_ORIGIN)));
    const workerUrl = args.url ?? (remote ? (hosts[0] ? `https://${hosts[0]}` : undefined) : localSite());
    const worker = await workerChecks(workerUrl, config.vars.SERVER_TIMING === "1", args.path);
    findings.push(...worker);
    const workerUp = worker.some((f) => f.check === "worker" && f.status === "ok");

    // State: migrations and the active rules, where the bindings to reach them exist.
    const db = config.d1_databases.find((entry) => entry.binding === "DB");
    if (!has("binding:RULES") || !has("binding:DB") || (remote && !account)) {
      findings.push(
        skip("state", "migrations, rules and the queue were not checked: fix the bindings first"),
      );
    } else {
      const flags = {
        config: configPath,
        remote,
        ...(args["persist-to"] ? { "persist-to": args["persist-to"] } : {}),
      };
      await withBackend(flags, async (backend) => {
        const query: (sql: string, params?: string[]) => Promise<Array<Record<string, unknown>>> =
          remote && account && db?.database_id
            ? (sql, params) =>
                queryD1(account as NonNullable<typeof account>, db.database_id as string, sql, params)
            : (sql, params) => backend.sink.query(sql, params);
        let migrated = false;
        try {
          const migrations = await migrationChecks(query, db?.migrations_dir, remote);
          migrated = migrations.status === "ok";
          findings.push(migrations);
        } catch (error) {
          findings.push(
            fail("migrations", `D1 cannot be queried: ${describeApiError(error)}`, "check the DB binding"),
          );
        }
        const rules = await ruleChecks(backend.rules, localRules, remote);
        findings.push(...rules.findings);
        const customerSecret = rules.active?.settings.customer?.secretVar;
        if (customerSecret) {
          findings.push(
            ...checkSecrets([
              {
                name: customerSecret,
                required: true,
                purpose: "settings.customer.secretVar names it: customer cookies are not trusted without it",
              },
            ]),
          );
        }
        if (remote) return;
        findings.push(
          !workerUp
            ? skip("queue", "the worker is not answering, so no probe event was sent")
            : !migrated
              ? skip(
                  "queue",
                  "the migrations are not applied, so a probe event would have no table to land in",
                )
              : await queueProbe({
                  workerUrl,
                  serverEventsSecret: localValues().SERVER_EVENTS_SECRET,
                  query,
                }),
        );
      });
    }
    report();
  },
});
