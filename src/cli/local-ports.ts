import { CLIError, EXIT } from "./errors.ts";

/**
 * The local demo's addresses, read the way `npm start` reads them: PORT for the worker and ORIGIN_PORT for the
 * storefront, else 8787 and 8788. A CLI that ignored them would fetch or link to a port nothing listens on.
 */
function portFrom(env: NodeJS.ProcessEnv, name: "PORT" | "ORIGIN_PORT"): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535)
    throw new CLIError(`${name} must be a port number, got ${JSON.stringify(raw)}`, EXIT.invalid);
  return port;
}

/** Where visitors reach the local worker: `npm start`'s proxy. */
export function localSite(env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${portFrom(env, "PORT") ?? 8787}`;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The origin `simulate` fetches: wrangler.toml's ORIGIN_URL, on ORIGIN_PORT when that is set and the configured
 * origin is this machine (as `npm start` overrides it). A real shop's origin is never rewritten.
 */
export function localOrigin(
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const port = portFrom(env, "ORIGIN_PORT");
  if (!configured || port === undefined) return configured;
  const url = new URL(configured);
  if (!LOOPBACK.has(url.hostname)) return configured;
  url.port = String(port);
  return url.toString().replace(/\/$/, "");
}
