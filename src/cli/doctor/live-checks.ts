import { randomBytes, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { SIGNATURE_HEADER, signServerEvent } from "../../core/signing/server-signature.ts";
import { type Finding, fail, ok, skip, warn } from "./finding.ts";

/** Generous: a storefront on a loaded machine, or across the world, may take seconds to answer. */
const REQUEST_TIMEOUT_MS = 15_000;
// A browser's user agent: anything that looks automated is gated as a bot and served the origin page untouched,
// which is exactly what this request must not be.
const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

async function get(url: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    headers: { "user-agent": BROWSER_UA, ...headers },
    redirect: "manual",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
}

const causeOf = (error: unknown) => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
};

/** Does this URL answer Stylist's own health endpoint? Then it is (or is routed through) a Stylist worker. */
async function isStylist(base: string): Promise<boolean> {
  try {
    const response = await get(new URL("/_stylist/health", base).href);
    const body = await response.text();
    return response.ok && /^\s*\{\s*"ok"\s*:\s*true\s*\}\s*$/.test(body);
  } catch {
    return false;
  }
}

/**
 * ORIGIN_URL is a real URL, answers, and is not the worker itself: a route that also covers the origin's hostname
 * sends the worker's origin fetch back into the worker (Cloudflare stops the loop with an error page).
 */
export async function originChecks(
  originUrl: unknown,
  workerHosts: string[],
  placeholder: string,
): Promise<Finding[]> {
  const fix =
    "set ORIGIN_URL in wrangler.toml's [vars] to the storefront's own address (a hostname the worker is not routed on)";
  if (typeof originUrl !== "string" || !originUrl) return [fail("origin", "ORIGIN_URL is not set", fix)];
  let url: URL;
  try {
    url = new URL(originUrl);
  } catch {
    return [fail("origin", `ORIGIN_URL is not a URL: ${originUrl}`, fix)];
  }
  if (originUrl === placeholder)
    return [fail("origin", `ORIGIN_URL is still the placeholder ${placeholder}`, fix)];
  if (workerHosts.includes(url.hostname.toLowerCase())) {
    return [
      fail(
        "origin",
        `ORIGIN_URL's host ${url.hostname} is one the worker is routed on: every origin request would come back to the worker`,
        `${fix}, e.g. origin.${url.hostname}, kept private (docs/deploy.md)`,
      ),
    ];
  }
  let status: number;
  try {
    const response = await get(url.href);
    await response.body?.cancel();
    status = response.status;
  } catch (error) {
    return [
      fail(
        "origin",
        `ORIGIN_URL ${url.href} does not answer: ${causeOf(error)}`,
        `start the storefront, or ${fix}`,
      ),
    ];
  }
  if (await isStylist(url.href)) {
    return [
      fail(
        "origin",
        `ORIGIN_URL ${url.href} answers Stylist's own /_stylist/health: it is routed to the worker itself, so pages would loop`,
        fix,
      ),
    ];
  }
  return [
    status >= 500
      ? warn("origin", `ORIGIN_URL ${url.href} answers HTTP ${status}`, "check the storefront")
      : ok("origin", `ORIGIN_URL ${url.href} answers (HTTP ${status}) and is not the worker`),
  ];
}

/**
 * A page through the worker: the worker answers its health endpoint, and with SERVER_TIMING = "1" a page carries
 * Stylist's Server-Timing entry, which only the worker's page path adds.
 */
export async function workerChecks(
  workerUrl: string | undefined,
  serverTiming: boolean,
  path = "/",
): Promise<Finding[]> {
  if (!workerUrl) {
    return [skip("worker", "no worker URL to try (pass --url)")];
  }
  if (!(await isStylist(workerUrl))) {
    return [
      fail(
        "worker",
        `${workerUrl} does not answer /_stylist/health as Stylist: the worker is not running there, or the route does not reach it`,
        "start it (`npx wrangler dev` locally) or check the routes / custom domain (docs/deploy.md), then pass --url",
      ),
    ];
  }
  const findings = [ok("worker", `${workerUrl} is Stylist`)];
  let response: Response;
  try {
    response = await get(new URL(path, workerUrl).href, { accept: "text/html" });
    await response.body?.cancel();
  } catch (error) {
    return [
      ...findings,
      fail(
        "server-timing",
        `GET ${path} through the worker failed: ${causeOf(error)}`,
        "check the worker's logs",
      ),
    ];
  }
  const timing = response.headers.get("server-timing") ?? "";
  const type = response.headers.get("content-type") ?? "";
  if (/\bstylist\b/.test(timing)) {
    findings.push(
      ok("server-timing", `GET ${path} went through Stylist (Server-Timing: ${timing.slice(0, 80)})`),
    );
  } else if (!serverTiming) {
    findings.push(
      warn(
        "server-timing",
        `GET ${path} answered HTTP ${response.status} with no Server-Timing: SERVER_TIMING is off, so whether Stylist handled the page cannot be seen`,
        '[vars] SERVER_TIMING = "1" (it also shows Stylist\'s time in browser and RUM dashboards)',
      ),
    );
  } else if (response.status !== 200 || !/html/i.test(type)) {
    findings.push(
      warn(
        "server-timing",
        `GET ${path} answered HTTP ${response.status} ${type}: not an HTML page Stylist would handle`,
        "pass --path with a page of the shop",
      ),
    );
  } else {
    findings.push(
      fail(
        "server-timing",
        `GET ${path} through the worker has no Stylist Server-Timing although SERVER_TIMING = "1": the page was served untouched (a fault, a missing secret, or rules late)`,
        'look for {"stylist":…} fault lines in the worker\'s logs (`npx wrangler tail`)',
      ),
    );
  }
  return findings;
}

/**
 * The queue drains: a signed server event for a throwaway visitor goes in through the worker, must come out of the
 * queue consumer into D1, and is deleted again. Local only: in production it would write into real analytics.
 */
export async function queueProbe(options: {
  workerUrl: string | undefined;
  serverEventsSecret: string | undefined;
  query: (sql: string, params?: string[]) => Promise<Array<Record<string, unknown>>>;
  timeoutMs?: number;
}): Promise<Finding> {
  if (!options.workerUrl) return skip("queue", "no worker URL to send a probe event through");
  if (!options.serverEventsSecret) return skip("queue", "no SERVER_EVENTS_SECRET to sign a probe event with");
  const visitor = randomBytes(16).toString("hex");
  const body = JSON.stringify({ id: randomUUID(), visitor, goal: "purchase", path: "/stylist-doctor-probe" });
  let response: Response;
  try {
    response = await fetch(new URL("/_stylist/event/server", options.workerUrl), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: await signServerEvent(body, options.serverEventsSecret, Date.now()),
      },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    return fail("queue", `the probe event could not be sent: ${causeOf(error)}`, "start the worker");
  }
  if (!response.ok) {
    const text = (await response.text()).slice(0, 200);
    return fail(
      "queue",
      `the worker refused the probe event: HTTP ${response.status} ${text}`,
      response.status === 401
        ? "the worker's SERVER_EVENTS_SECRET differs from .dev.vars: restart wrangler dev"
        : "check the worker's logs",
    );
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  try {
    while (Date.now() < deadline) {
      const rows = await options.query("SELECT id FROM conversions WHERE visitor = ?", [visitor]);
      if (rows.length > 0)
        return ok("queue", "a probe event went through the queue into D1 (and was deleted)");
      await sleep(500);
    }
  } finally {
    await options.query("DELETE FROM conversions WHERE visitor = ?", [visitor]).catch(() => undefined);
  }
  return fail(
    "queue",
    `the probe event was accepted but did not reach D1 within ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s: the queue does not drain`,
    "check that this worker consumes the EVENTS queue ([[queues.consumers]]), the migrations are applied, and the consumer's logs",
  );
}
