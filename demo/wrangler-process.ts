import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { demoLocationEnv } from "./local-location.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");

/** Runs one wrangler command to completion; its output is returned in the error when it fails. */
export function runWrangler(args: string[], cwd = ROOT): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(WRANGLER, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
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

/** How long the demo's archive buffer holds events before writing a file (docs/analytics.md, "Batching"). */
export const DEMO_ARCHIVE_BUFFER_SECONDS = 10;

export interface DevWorkerOptions {
  port: number;
  originUrl: string;
  refreshSeconds: number;
  /** Where the autopilot posts its alerts. */
  alertsUrl?: string | undefined;
  /** Local state directory; omitted, the one plain `wrangler dev` and `npx stylist` use. */
  persistTo?: string | undefined;
  /** The SINK var (docs/analytics.md); omitted, wrangler.toml's (d1). */
  sink?: string | undefined;
  /** Every line wrangler dev and the worker print. */
  onOutput?: (text: string) => void;
  /** The project whose wrangler.toml runs; omitted, this repository (a project `stylist init` wrote, in tests). */
  cwd?: string | undefined;
}

export interface DevWorker {
  url: string;
  stop(): Promise<void>;
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
  throw new Error(`the worker did not answer at ${url} within ${timeoutMs / 1000} s`);
}

/** The worker with its queue consumer and local D1 under `wrangler dev`, on 127.0.0.1 only, once it answers. */
export async function startDevWorker(options: DevWorkerOptions): Promise<DevWorker> {
  const url = `http://127.0.0.1:${options.port}`;
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
      `RULES_REFRESH_SECONDS:${options.refreshSeconds}`,
      "--show-interactive-dev-session=false",
      ...(options.sink ? ["--var", `SINK:${options.sink}`] : []),
      // The archive buffer's age limit is 300 s in wrangler.toml; the demo's files come within seconds.
      ...(options.sink === "r2" ? ["--var", `ARCHIVE_BUFFER_SECONDS:${DEMO_ARCHIVE_BUFFER_SECONDS}`] : []),
      // GET /__scheduled runs the autopilot's Cron Trigger now (docs/autopilot.md).
      "--test-scheduled",
      ...(options.alertsUrl ? ["--var", `AUTOPILOT_WEBHOOK_URL:${options.alertsUrl}`] : []),
      ...(options.persistTo ? ["--persist-to", options.persistTo] : []),
    ],
    {
      cwd: options.cwd ?? ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...demoLocationEnv(ROOT) },
    },
  );
  child.stdout?.on("data", (chunk: Buffer) => options.onOutput?.(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => options.onOutput?.(chunk.toString()));
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
    throw error;
  }
  return { url, stop };
}
