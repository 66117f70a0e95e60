import { join } from "node:path";
import { runWrangler, startDevWorker } from "../../demo/wrangler-process.ts";
import { openLocalBackend } from "../../src/cli/stores/local.ts";
import { pushRules, type RuleSet } from "../../src/rules/versions.ts";
import { ROOT } from "./run-cli.ts";

export interface WranglerDevOptions {
  /** The origin the worker proxies to (the `ORIGIN_URL` var). */
  originUrl: string;
  /** Local state directory for KV, D1 and the queue; a temporary one per test file. */
  persistTo: string;
  port: number;
  /** Seconds the worker trusts its cached rules; 0 re-reads the pointer on every request. */
  refreshSeconds?: number;
  /** A project `stylist init` wrote; omitted, this repository. */
  cwd?: string;
}

export interface WranglerDev {
  url: string;
  /** Everything wrangler dev and the worker printed so far (console.error included), in order. */
  output(): string;
  /** The worker's fault lines (`{"stylist":"<code>",…}`) printed so far, parsed. */
  faults(): Array<{ stylist: string; message?: string } & Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Applies the D1 migrations to a local state directory, as `npm start` does. */
export function applyLocalMigrations(persistTo: string): Promise<void> {
  return runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo]);
}

/** Pushes a rule set into a local state directory's KV, exactly as `stylist push` would. */
export async function pushLocalRules(persistTo: string, rules: RuleSet, message = "test push") {
  const backend = await openLocalBackend(join(ROOT, "wrangler.toml"), persistTo);
  try {
    return (await pushRules(backend.rules, rules, { author: "test", message })).snapshot.version;
  } finally {
    await backend.close();
  }
}

function parseFaults(output: string) {
  const faults: Array<{ stylist: string } & Record<string, unknown>> = [];
  for (const match of output.matchAll(/\{"stylist":"[a-z_]+".*\}/g)) {
    try {
      faults.push(JSON.parse(match[0]));
    } catch {
      // A line wrangler interleaved with another; not one of ours.
    }
  }
  return faults;
}

/**
 * Runs the real worker under `wrangler dev` (workerd, with its queue consumer and local D1) in front of the given
 * origin, on 127.0.0.1 only. The caller applies migrations and pushes rules into the same state directory first.
 */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  let output = "";
  const worker = await startDevWorker({
    port: options.port,
    originUrl: options.originUrl,
    refreshSeconds: options.refreshSeconds ?? 0,
    persistTo: options.persistTo,
    cwd: options.cwd,
    onOutput: (text) => {
      output += text;
    },
  }).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  return { url: worker.url, output: () => output, faults: () => parseFaults(output), stop: worker.stop };
}
