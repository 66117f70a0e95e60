import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readRuleFiles } from "../src/cli/rule-files.ts";
import { openLocalBackend } from "../src/cli/stores/local.ts";
import { CATALOGUE_KEY } from "../src/core/schema/catalogue.ts";
import { SIGNATURE_HEADER, signServerEvent } from "../src/core/signing/server-signature.ts";
import { diffExperiments, isEmptyDiff } from "../src/rules/diff.ts";
import { formatProblem } from "../src/rules/issues.ts";
import { validateRuleSources } from "../src/rules/validate.ts";
import { pushRules, readActive } from "../src/rules/versions.ts";
import { ensureDemoAutopilotHistory } from "./autopilot-history.ts";
import { demoCatalogue } from "./catalogue.ts";
import { ensureDemoRecommendations } from "./recommendations.ts";
import { ALERTS_PATH, type ShopEvent, type Storefront, startStorefront } from "./storefront/server.ts";
import { type DevWorker, runWrangler, startDevWorker } from "./wrangler-process.ts";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface DemoOptions {
  /** Port for the proxy (the worker). */
  port: number;
  /** Port for the sample storefront (the origin). */
  originPort: number;
  /** Local state directory; the default is the one plain `wrangler dev` and `npx stylist` use. */
  persistTo?: string;
  /** Seconds the worker trusts its cached rules: short in the demo so a push shows at once. */
  refreshSeconds?: number;
  /** Where the consumer writes events: "d1" (wrangler.toml's default) or "r2" (the Parquet archive). */
  sink?: "d1" | "r2";
  log?: (line: string) => void;
}

export interface Demo {
  proxyUrl: string;
  originUrl: string;
  pushedVersion: number | undefined;
  /** Where the consumer writes events; unset means wrangler.toml's (d1). */
  sink?: "d1" | "r2";
  stop(): Promise<void>;
}

/**
 * The demo keeps its secrets in .dev.vars (git-ignored), where `wrangler dev` and the CLI find them: the visitor
 * cookie key, the key the sample shop's backend signs its order reports with, and the key it signs its customer cookie
 * with (settings.customer.secretVar in rules/settings.json).
 */
export function ensureDevSecrets(root = ROOT): Record<string, string> {
  const path = join(root, ".dev.vars");
  let current = existsSync(path) ? readFileSync(path, "utf8") : "";
  const secrets: Record<string, string> = {};
  for (const name of ["VISITOR_SECRET", "SERVER_EVENTS_SECRET", "CUSTOMER_SECRET"]) {
    const existing = new RegExp(`^${name}\\s*=\\s*"?([^"\\n]+)"?\\s*$`, "m").exec(current)?.[1];
    if (existing) {
      secrets[name] = existing.trim();
      continue;
    }
    secrets[name] = randomBytes(24).toString("base64url");
    current = `${current}${current && !current.endsWith("\n") ? "\n" : ""}${name}=${secrets[name]}\n`;
  }
  // Rewritten only when a secret was added: wrangler dev reloads when .dev.vars changes.
  if (!existsSync(path) || readFileSync(path, "utf8") !== current) writeFileSync(path, current);
  return secrets;
}

/** The sample shop's backend reporting basket adds and orders to Stylist, signed, as a real one would. */
function shopReporter(proxyUrl: string, secret: string) {
  return async (event: ShopEvent) => {
    const visitor = /(?:^|;\s*)stylist_vid=v1\.([0-9a-f]{32})\./.exec(event.cookieHeader ?? "")?.[1];
    if (!visitor) return;
    const { cookieHeader: _, ...rest } = event;
    const body = JSON.stringify({
      visitor,
      ...rest,
      path: event.goal === "purchase" ? "/checkout" : "/basket",
    });
    await fetch(`${proxyUrl}/_stylist/event/server`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: await signServerEvent(body, secret, Date.now()),
      },
      body,
    });
  };
}

/** Pushes rules/ to local KV unless the active version already holds exactly these rules. */
async function pushSampleRules(
  persistTo: string | undefined,
  sink: DemoOptions["sink"],
): Promise<number | undefined> {
  const result = validateRuleSources(readRuleFiles(join(ROOT, "rules"), ROOT));
  if (result.errors.length > 0)
    throw new Error(`rules/ is invalid:\n${result.errors.map(formatProblem).join("\n")}`);
  const backend = await openLocalBackend(join(ROOT, "wrangler.toml"), persistTo);
  try {
    const active = await readActive(backend.rules).catch(() => undefined);
    const catalogue = demoCatalogue();
    await backend.rules.put(CATALOGUE_KEY, JSON.stringify(catalogue));
    // Seeded history and a built table for the recommendation experiment: once per local state, a few seconds.
    const recs = await ensureDemoRecommendations(backend, catalogue);
    if (recs.built && recs.version === undefined)
      console.warn(
        "npm start: the demo's recommendation table did not pass its gates; run npx stylist recommend build",
      );
    const sameRules =
      active &&
      isEmptyDiff(diffExperiments(active.experiments, result.experiments)) &&
      JSON.stringify([active.settings, active.audiences]) ===
        JSON.stringify([result.settings, result.audiences]);
    const snapshot = sameRules
      ? active
      : (
          await pushRules(
            backend.rules,
            { experiments: result.experiments, settings: result.settings, audiences: result.audiences },
            { author: "demo", message: "npm start: sample rules" },
          )
        ).snapshot;
    // Exposures and orders for the autopilot's tour step (a bandit to reweight, a broken split to pause): once per
    // phase of the demo bandit, after the push that fixes the phases they belong to. The autopilot reads D1 only, and
    // with the R2 archive as the sink D1 keeps no exposures.
    if (sink !== "r2") await ensureDemoAutopilotHistory(backend, snapshot);
    return snapshot.version;
  } finally {
    await backend.close();
  }
}

/**
 * Starts the whole local stack: the sample storefront, local D1 with migrations applied, the sample rules in
 * local KV, and the worker (with its queue consumer) under `wrangler dev`.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const log = options.log ?? (() => {});
  const persistArgs = options.persistTo ? ["--persist-to", options.persistTo] : [];
  const secrets = ensureDevSecrets();
  const proxyUrl = `http://127.0.0.1:${options.port}`;
  const storefront: Storefront = await startStorefront({
    port: options.originPort,
    host: "127.0.0.1",
    reportEvent: shopReporter(proxyUrl, secrets.SERVER_EVENTS_SECRET as string),
    onAlert: (text) => console.log(`[autopilot alert] ${text}`),
    customerSecret: secrets.CUSTOMER_SECRET as string,
  });
  let worker: DevWorker | undefined;
  const stop = async () => {
    await worker?.stop();
    await storefront.close();
  };
  try {
    await runWrangler(["d1", "migrations", "apply", "DB", "--local", ...persistArgs]).catch(
      (error: Error) => {
        log(error.message);
        throw error;
      },
    );
    const pushedVersion = await pushSampleRules(options.persistTo, options.sink);
    worker = await startDevWorker({
      port: options.port,
      originUrl: storefront.url,
      alertsUrl: `${storefront.url}${ALERTS_PATH}`,
      refreshSeconds: options.refreshSeconds ?? 2,
      persistTo: options.persistTo,
      sink: options.sink,
      onOutput: log,
    });
    return { proxyUrl, originUrl: storefront.url, pushedVersion, sink: options.sink ?? "d1", stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
