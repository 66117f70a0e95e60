import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { openLocalBackend } from "../../src/cli/stores/local.ts";
import { pushRules, type RuleSet } from "../../src/rules/versions.ts";
import { ROOT } from "./run-cli.ts";

const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");

export interface WranglerDevOptions {
  /** The origin the worker proxies to (the `ORIGIN_URL` var). */
  originUrl: string;
  /** Local state directory for KV, D1 and the queue; a temporary one per test file. */
  persistTo: string;
  port: number;
  /** Seconds the worker trusts its cached rules; 0 re-reads the pointer on every request. */
  refreshSeconds?: number;
}

export interface WranglerDev {
  url: string;
  /** Everything wrangler dev and the worker printed so far (console.error included), in order. */
  output(): string;
  /** The worker's fault lines (`{"stylist":"<code>",…}`) printed so far, parsed. */
  faults(): Array<{ stylist: string; message?: string } & Record<string, unknown>>;
  stop(): Promise<void>;
}

function runWrangler(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(WRANGLER, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`wrangler ${args.join(" ")} exited with ${code}:\n${output}`)),
    );
  });
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

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/_stylist/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`wrangler dev did not answer at ${url} within ${timeoutMs / 1000} s`);
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
  const url = `http://127.0.0.1:${options.port}`;
  let output = "";
  const child = spawn(
    WRANGLER,
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(options.port),
      "--inspector-port",
      "0",
      "--var",
      `ORIGIN_URL:${options.originUrl}`,
      "--var",
      `RULES_REFRESH_SECONDS:${options.refreshSeconds ?? 0}`,
      "--show-interactive-dev-session=false",
      "--persist-to",
      options.persistTo,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  try {
    await waitForHealth(url, child, 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url, output: () => output, faults: () => parseFaults(output), stop };
}
