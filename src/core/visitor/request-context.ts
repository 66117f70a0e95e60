import { truncate } from "../html/escape.ts";
import { withoutNonPrintable } from "../html/printable.ts";
import { browserFamily, primaryLanguage } from "./browser.ts";
import type { VisitorContext } from "./context.ts";
import type { CustomerStatus } from "./customer.ts";
import { classifyDevice } from "./device.ts";
import type { VisitorIdentity } from "./identity.ts";
import { EMPTY_BEHAVIOUR, type Observed } from "./profile.ts";
import { classifySource } from "./traffic-source.ts";

/** The parts of Cloudflare's `request.cf` that Stylist reads. Absent locally and in tests unless faked. */
export interface GeoHints {
  country?: unknown;
  region?: unknown;
  city?: unknown;
}

const RETURNING_AFTER_MS = 30 * 60 * 1000;
const MAX_VALUE_LENGTH = 100;
const MAX_QUERY_PARAMS = 30;

function geoField(value: unknown, pattern: RegExp): string | undefined {
  return typeof value === "string" && pattern.test(value) ? value : undefined;
}

function param(url: URL, name: string): string | undefined {
  if (url.search === "") return undefined;
  // Control and bidi characters are never part of a campaign name; they would reach events and the operator's terminal.
  const raw = url.searchParams.get(name);
  const value = raw === null ? undefined : withoutNonPrintable(raw).trim().toLowerCase();
  return value ? truncate(value, MAX_VALUE_LENGTH) : undefined;
}

function queryOf(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  if (url.search === "") return query;
  let count = 0;
  for (const [name, value] of url.searchParams) {
    if (count++ >= MAX_QUERY_PARAMS) break;
    if (!(name in query)) query[truncate(name, MAX_VALUE_LENGTH)] = truncate(value, 200);
  }
  return query;
}

/**
 * What the request alone says about the visitor. Before the profile is folded in (withProfile), a visitor is
 * "returning" once their first visit is more than a session (30 minutes) old.
 */
export function buildVisitorContext(
  request: Request,
  identity: VisitorIdentity,
  geo: GeoHints | undefined,
  now: number,
): VisitorContext {
  const url = new URL(request.url);
  const headers = request.headers;
  const returning = !identity.minted && now - identity.firstSeen * 1000 > RETURNING_AFTER_MS;
  const language = primaryLanguage(headers.get("accept-language"));
  const country = geoField(geo?.country, /^[A-Z0-9]{2}$/);
  const region = geoField(geo?.region, /^[\p{L}\p{N} .'-]{1,80}$/u);
  const city = geoField(geo?.city, /^[\p{L}\p{N} .'-]{1,80}$/u);
  return {
    visitorId: identity.id,
    visitor: returning ? "returning" : "new",
    sessions: returning ? 2 : 1,
    path: url.pathname,
    query: queryOf(url),
    device: classifyDevice(headers.get("user-agent"), headers.get("sec-ch-ua-mobile")),
    browser: browserFamily(headers.get("user-agent")),
    ...(language ? { language } : {}),
    ...(country ? { country } : {}),
    ...(region ? { region } : {}),
    ...(city ? { city } : {}),
    utm: {
      source: param(url, "utm_source"),
      medium: param(url, "utm_medium"),
      campaign: param(url, "utm_campaign"),
    },
    source: classifySource(url, headers.get("referer")),
    landingPage: url.pathname,
    customer: false,
    behaviour: EMPTY_BEHAVIOUR,
    now,
  };
}

/** Folds in what the edge profile knows: sessions, the session's landing source and page, and behaviour. */
export function withProfile(context: VisitorContext, observed: Observed): VisitorContext {
  const { profile } = observed;
  return {
    ...context,
    visitor: profile.sessions > 1 ? "returning" : "new",
    sessions: profile.sessions,
    source: profile.session.source,
    landingPage: profile.session.landing,
    behaviour: observed.behaviour,
    ...(profile.arms ? { assigned: profile.arms } : {}),
  };
}

export function withCustomer(context: VisitorContext, status: CustomerStatus): VisitorContext {
  if (!status.customer) return context;
  return { ...context, customer: true, ...(status.tier ? { tier: status.tier } : {}) };
}
