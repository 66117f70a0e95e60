import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import type { Experiment } from "../../src/core/schema/experiment.ts";
import { kvRuleStore } from "../../src/rules/store.ts";
import { pushRules } from "../../src/rules/versions.ts";

export const rulesStore = () => kvRuleStore(env.RULES);

export function publish(experiments: Experiment[], message = "test push") {
  return pushRules(rulesStore(), { experiments }, { author: "test", message });
}

export interface VisitOptions {
  cookie?: string;
  headers?: Record<string, string>;
  method?: string;
  body?: string;
}

export function visit(path: string, options: VisitOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("cookie", options.cookie);
  return exports.default.fetch(`https://shop.example${path}`, {
    method: options.method ?? "GET",
    headers,
    body: options.body,
    redirect: "manual",
  });
}

/**
 * A new visitor: loads the home page to the end (so its exposure is sent, as a browser would) and returns the
 * `name=value` of the visitor cookie it was given.
 */
export async function freshVisitor(path = "/"): Promise<string> {
  const response = await visit(path);
  await response.text();
  return visitorCookie(response);
}

/** Every cookie a response set, as a Cookie header value: what a browser would send on its next request. */
export function cookieJar(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

/** The `name=value` part of the visitor cookie a response set, ready to send back. */
export function visitorCookie(response: Response): string {
  const header = response.headers.get("set-cookie") ?? "";
  const match = /stylist_vid=[^;]+/.exec(header);
  if (!match) throw new Error(`no visitor cookie in: ${header}`);
  return match[0];
}

export async function storedEvents(experiment?: string) {
  const query = experiment
    ? env.DB.prepare("SELECT * FROM events WHERE experiment = ? ORDER BY ts").bind(experiment)
    : env.DB.prepare("SELECT * FROM events ORDER BY ts");
  return (await query.all<Record<string, unknown>>()).results;
}

/** Waits for the local queue to deliver to the consumer, polling D1; bounded so a broken pipeline fails fast. */
export async function waitForEvents(count: number, experiment?: string, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await storedEvents(experiment);
    if (events.length >= count || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The visitor id inside a `stylist_vid=<id>.<…>` cookie: what events and conversions are stored under. */
export const visitorIdOf = (cookie: string) => cookie.split(".")[1] as string;

/** A visitor's stored conversions once `expected` have arrived (polling D1, bounded like waitForEvents). */
export async function storedConversions(visitor: string, expected: number, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (
      await env.DB.prepare("SELECT * FROM conversions WHERE visitor = ? ORDER BY ts")
        .bind(visitor)
        .all<Record<string, unknown>>()
    ).results;
    if (rows.length >= expected || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The fault codes the worker logged (`{"stylist":"<code>",…}` lines) through a console.error spy. */
export function faultCodes(spy: { mock: { calls: unknown[][] } }): string[] {
  return spy.mock.calls.flatMap(([line]) => {
    try {
      return [(JSON.parse(String(line)) as { stylist: string }).stylist];
    } catch {
      return [];
    }
  });
}
