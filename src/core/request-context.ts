import type { VisitorContext } from "./context.ts";
import { classifyDevice } from "./device.ts";
import type { VisitorIdentity } from "./identity.ts";

/** The parts of Cloudflare's `request.cf` that Stylist reads. Absent locally and in tests unless faked. */
export interface GeoHints {
  country?: unknown;
  region?: unknown;
  city?: unknown;
}

const RETURNING_AFTER_MS = 30 * 60 * 1000;
const MAX_UTM_LENGTH = 100;

function geoField(value: unknown, pattern: RegExp): string | undefined {
  return typeof value === "string" && pattern.test(value) ? value : undefined;
}

function utmParam(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name)?.trim().toLowerCase();
  return value ? value.slice(0, MAX_UTM_LENGTH) : undefined;
}

/**
 * A visitor is "returning" once their first visit is more than a session (30 minutes) old: the second page of a
 * first visit is still a new visitor's page.
 */
export function buildVisitorContext(
  request: Request,
  identity: VisitorIdentity,
  geo: GeoHints | undefined,
  now: number,
): VisitorContext {
  const url = new URL(request.url);
  const returning = !identity.minted && now - identity.firstSeen * 1000 > RETURNING_AFTER_MS;
  return {
    visitorId: identity.id,
    visitor: returning ? "returning" : "new",
    path: url.pathname,
    device: classifyDevice(request.headers.get("user-agent"), request.headers.get("sec-ch-ua-mobile")),
    country: geoField(geo?.country, /^[A-Z0-9]{2}$/),
    region: geoField(geo?.region, /^[\p{L}\p{N} .'-]{1,80}$/u),
    city: geoField(geo?.city, /^[\p{L}\p{N} .'-]{1,80}$/u),
    utm: {
      source: utmParam(url, "utm_source"),
      medium: utmParam(url, "utm_medium"),
      campaign: utmParam(url, "utm_campaign"),
    },
    now,
  };
}
