import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/stylist.mjs", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `stylist` binary as a user would, from the project root, with this process's Node. Secrets are not
 * inherited from the test runner's environment (another test project may have set them): the CLI finds the demo's
 * in .dev.vars, as it does for a user, unless a test passes them explicitly.
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  // Generous: a loaded two-core machine runs a command that starts wrangler's platform proxy several times slower.
  timeoutMs = 180_000,
  cwd = ROOT,
): Promise<CliResult> {
  const { VISITOR_SECRET: _visitor, SERVER_EVENTS_SECRET: _server, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...inherited, ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
