import type { Op } from "../src/core/schema/ops.ts";
import { BASE_HEADERS } from "./config.ts";
import { readCounters, settle } from "./counters.ts";
import type { ContestantResult } from "./results.ts";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Page bytes exactly as a client receives them, with the same headers as the load runs. */
export async function getBody(base: string, path: string, cookie: string): Promise<Buffer> {
  const response = await fetch(base + path, { headers: { ...BASE_HEADERS, cookie } });
  if (response.status !== 200) throw new Error(`${base + path}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** A string each op leaves in the page; the fixture's values need no escaping, so they appear as written. */
function marker(op: Op): string {
  switch (op.op) {
    case "setText":
      return `>${op.value}<`;
    case "addClass":
    case "removeClass":
      return op.value;
    case "setAttribute":
      return `${op.name}="${op.value}"`;
    case "append":
    case "prepend":
    case "insertAfter":
    case "insertBefore":
    case "replace":
      return op.html;
    case "setHtml":
      return `>${op.html}<`;
    case "addStyle":
      return op.css;
    default:
      return "";
  }
}

/** Every op of the variant arm visible in `body`, and the `.price` class on exactly `priceCount` elements. */
export function editsPresent(name: string, bytes: Buffer, ops: readonly Op[], priceCount: number): Check {
  const body = bytes.toString("utf8");
  const missing = ops.map(marker).filter((text) => text !== "" && !body.includes(text));
  const prices = occurrences(body, "price-emphasis");
  const ok = missing.length === 0 && prices === priceCount;
  return {
    name,
    ok,
    detail: ok
      ? `all ${ops.length} edits present; price-emphasis on ${prices} elements`
      : `missing: ${missing.join(" | ") || "none"}; price-emphasis on ${prices}, expected ${priceCount}`,
  };
}

export function identical(name: string, body: Buffer, expected: Buffer): Check {
  const ok = body.equals(expected);
  let at = 0;
  while (!ok && at < Math.min(body.length, expected.length) && body[at] === expected[at]) at++;
  return {
    name,
    ok,
    detail: ok
      ? `byte-identical (${body.length} bytes)`
      : `differs at byte ${at}: ${body.length} vs ${expected.length} bytes`,
  };
}

/** One page view and the exposure sends it caused, counted in the worker. */
export async function exposuresFor(
  name: string,
  workerUrl: string,
  path: string,
  cookie: string,
  expectedEvents: number,
): Promise<Check> {
  await readCounters(workerUrl);
  await getBody(workerUrl, path, cookie);
  await settle();
  const counters = await readCounters(workerUrl);
  // A page view's events travel packed in one message (up to 100), in one send.
  const expected = expectedEvents > 0 ? 1 : 0;
  const ok =
    counters.queueSends === expected &&
    counters.queueMessages === expected &&
    counters.queueEvents === expectedEvents;
  return {
    name,
    ok,
    detail: `${counters.queueSends} send(s), ${counters.queueMessages} message(s), ${counters.queueEvents} event(s); expected ${expected}, ${expected} and ${expectedEvents}`,
  };
}

export function countIn(bytes: Buffer, needle: string): number {
  return occurrences(bytes.toString("utf8"), needle);
}

/** A load run with errors or non-2xx answers measured something other than the page. */
export function loadRunsClean(rows: readonly ContestantResult[]): Check {
  const bad = rows.filter((row) => row.load.errors > 0 || row.load.non2xx > 0);
  return {
    name: "every load run answered 200 without errors",
    ok: bad.length === 0,
    detail: bad.length
      ? bad.map((row) => `${row.label}: ${row.load.errors} errors, ${row.load.non2xx} non-2xx`).join("; ")
      : `${rows.reduce((sum, row) => sum + row.load.requests, 0)} measured requests`,
  };
}
