import type { Context } from "hono";
import { browserEventId } from "../core/page-view/browser-event-id.ts";
import { BrowserEventSchema, MAX_EVENT_BODY_BYTES, ServerEventSchema } from "../core/schema/beacon.ts";
import type { ConversionEvent } from "../core/schema/event.ts";
import { firstIssue } from "../core/schema/zod-issue.ts";
import { checkServerSignature, SIGNATURE_HEADER } from "../core/signing/server-signature.ts";
import { readCookie } from "../core/visitor/cookies.ts";
import { classifyDevice } from "../core/visitor/device.ts";
import { gateOf } from "../core/visitor/gate.ts";
import { decodeIdentity, VISITOR_COOKIE } from "../core/visitor/identity.ts";
import { observeEvent } from "../core/visitor/profile.ts";
import { decodeProfile, profileCookie, readProfileCookie } from "../core/visitor/profile-cookie.ts";
import { requestSite } from "../core/visitor/same-origin.ts";
import { configOf } from "./config.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";
import { loadRules } from "./rules.ts";

type EventContext = Context<{ Bindings: Env }>;

/** Bad input gets a 400 that says exactly what is wrong; the storefront's page is never affected either way. */
function refuse(c: EventContext, status: 400 | 401 | 403 | 413 | 415 | 503, error: string, path?: string) {
  return c.json(path ? { error, path } : { error }, status);
}

/** Reads at most `limit` bytes; a longer body is refused before it is parsed, whatever Content-Length claimed. */
async function boundedText(request: Request, limit: number): Promise<string | undefined> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) return undefined;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
}

const BODY_TYPES = new Set(["application/json", "text/plain"]);

function acceptedBodyType(header: string): boolean {
  const [mediaType, ...parameters] = header.split(";").map((part) => part.trim().toLowerCase());
  if (!mediaType || !BODY_TYPES.has(mediaType)) return false;
  const charset = parameters.find((parameter) => parameter.startsWith("charset="))?.slice("charset=".length);
  return charset === undefined || ["utf-8", '"utf-8"', "utf8"].includes(charset);
}

async function parseBody(c: EventContext): Promise<{ text: string; json: unknown } | Response> {
  // sendBeacon sends text/plain; both carry JSON. The media type exactly (not application/json-seq, not
  // text/plain-anything), and UTF-8 if a charset is named, since that is how the body is read.
  if (!acceptedBodyType(c.req.header("content-type") ?? ""))
    return refuse(c, 415, "send JSON (application/json or text/plain, UTF-8)");
  let text: string | undefined;
  try {
    text = await boundedText(c.req.raw, MAX_EVENT_BODY_BYTES);
  } catch {
    return refuse(c, 400, "the body is not valid UTF-8");
  }
  if (text === undefined) return refuse(c, 413, `the body is larger than ${MAX_EVENT_BODY_BYTES} bytes`);
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return refuse(c, 400, "the body is not valid JSON");
  }
}

function pathOf(referer: string | undefined, host: string): string {
  if (!referer) return "/";
  try {
    const url = new URL(referer);
    return url.host === host ? url.pathname.slice(0, 512) : "/";
  } catch {
    return "/";
  }
}

async function accept(c: EventContext, event: ConversionEvent, setCookie?: string) {
  const rules = await loadRules(c.env, Date.now());
  if (!rules.eventGoals.has(event.goal)) {
    const known = [...rules.eventGoals].join(", ");
    return refuse(
      c,
      400,
      `"${event.goal}" is not an event goal in the active rules (known: ${known})`,
      "goal",
    );
  }
  try {
    await c.env.EVENTS.send(event, { contentType: "json" });
  } catch (error) {
    logFault("exposure_send_failed", error, { goal: event.goal });
    return c.json({ error: "the event could not be queued; retry later" }, 503);
  }
  if (setCookie) c.header("set-cookie", setCookie);
  return c.body(null, 204);
}

/** `POST /_stylist/event`: a conversion from the visitor's browser, attributed through their signed cookie. */
export async function browserEvent(c: EventContext): Promise<Response> {
  // The visitor's cookie would come along with a text/plain beacon from another site's page (SameSite=Lax stops
  // that only across sites, not across a site's own origins): the browser says where it came from.
  if (requestSite(c.req.raw.headers, c.req.url) === "cross-origin")
    return refuse(c, 403, "events are accepted from this site's own pages only");
  const body = await parseBody(c);
  if (body instanceof Response) return body;
  const parsed = BrowserEventSchema.safeParse(body.json);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    return refuse(c, 400, issue.message, issue.path);
  }
  // A bot or a visitor who objected is answered as if recorded, and nothing is kept.
  if (gateOf(c.req.raw.headers, (await loadRules(c.env, Date.now())).consent, false))
    return c.body(null, 204);
  const secret = configOf(c.env).visitorSecret;
  const identity = secret
    ? await decodeIdentity(readCookie(c.req.header("cookie") ?? null, VISITOR_COOKIE), secret)
    : undefined;
  if (!secret || !identity)
    return refuse(c, 400, "no valid visitor cookie: events come from pages served through Stylist");
  const request = c.req.raw as Request & { cf?: { country?: unknown } };
  const country =
    typeof request.cf?.country === "string" && /^[A-Z0-9]{2}$/.test(request.cf.country)
      ? request.cf.country
      : undefined;
  const { id, goal, value, currency, orderId, products } = parsed.data;
  // The visitor's own profile learns of basket adds and purchases, for behavioural audiences on later pages.
  const profile = await decodeProfile(readProfileCookie(c.req.header("cookie") ?? null), identity.id, secret);
  const updated = profile
    ? await profileCookie(observeEvent(profile, goal, Date.now(), products), identity.id, secret as string)
    : undefined;
  return accept(
    c,
    {
      id: id ? await browserEventId(identity.id, id) : crypto.randomUUID(),
      type: "conversion",
      ts: Date.now(),
      visitor: identity.id,
      goal,
      path: pathOf(c.req.header("referer"), new URL(c.req.url).host),
      device: classifyDevice(c.req.header("user-agent") ?? null, c.req.header("sec-ch-ua-mobile") ?? null),
      ...(value !== undefined ? { value } : {}),
      ...(currency ? { currency } : {}),
      // The same order id as the backend's: one order is one row, and the sink lets the signed report replace this.
      ...(orderId ? { orderId } : {}),
      ...(country ? { country } : {}),
      reportedBy: "browser",
      ...(products ? { products } : {}),
    },
    updated,
  );
}

/** `POST /_stylist/event/server`: a conversion from the shop's backend, signed with SERVER_EVENTS_SECRET. */
export async function serverEvent(c: EventContext): Promise<Response> {
  const secret = configOf(c.env).serverEventsSecret;
  if (!secret) return refuse(c, 503, "server events are not configured (SERVER_EVENTS_SECRET)");
  const body = await parseBody(c);
  if (body instanceof Response) return body;
  const check = await checkServerSignature(
    c.req.header(SIGNATURE_HEADER) ?? null,
    body.text,
    secret,
    Date.now(),
  );
  if (check !== "ok")
    return refuse(c, 401, `signature ${check}: see docs/events.md for the ${SIGNATURE_HEADER} header`);
  const parsed = ServerEventSchema.safeParse(body.json);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    return refuse(c, 400, issue.message, issue.path);
  }
  const { id, visitor, goal, value, currency, orderId, ts, path, products } = parsed.data;
  return accept(c, {
    id: id ?? crypto.randomUUID(),
    type: "conversion",
    ts: ts ?? Date.now(),
    visitor,
    goal,
    path: path ?? "/",
    ...(value !== undefined ? { value } : {}),
    ...(currency ? { currency } : {}),
    ...(orderId ? { orderId } : {}),
    reportedBy: "server",
    ...(products ? { products } : {}),
  });
}
