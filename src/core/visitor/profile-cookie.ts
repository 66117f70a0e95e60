import * as z from "zod";
import { createBoundedCache } from "../cache/bounded-cache.ts";
import { TRAFFIC_SOURCES } from "../schema/audience.ts";
import { decodePayload, encodePayload, openEnvelope, seal } from "../signing/signed-envelope.ts";
import { readCookie, serializeCookie } from "./cookies.ts";
import { MAX_BASKET, MAX_BOUGHT, type Profile } from "./profile.ts";

/**
 * `stylist_p=<base64url(compact JSON)>.<signature>`: the profile, signed with VISITOR_SECRET under its own domain
 * ("profile.v2.") together with the visitor's id, capped at MAX_COOKIE_CHARS. A profile that is tampered with, oversized, malformed or from an older
 * format is ignored and rebuilt from this page view: never an error page.
 */
export const PROFILE_COOKIE = "stylist_p";
export const MAX_COOKIE_CHARS = 2_000;
const DOMAIN = "profile.v2.";
const MAX_AGE_SECONDS = 90 * 24 * 60 * 60;

const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,100}$/);
const Day = z.number().int().min(0).max(200_000);
const Seconds = z.number().int().min(0).max(10_000_000_000);

/** The wire format: short keys, because it travels with every request. */
const CompactSchema = z.strictObject({
  v: z.literal(1),
  n: z.number().int().min(0).max(100_000),
  l: Seconds,
  s: z.tuple([
    Seconds,
    z.enum(TRAFFIC_SOURCES),
    z.string().max(200),
    z.number().int().min(0).max(999),
    z.union([z.literal(0), z.literal(1)]),
  ]),
  c: z.record(Slug, z.array(Day).max(10)),
  r: z.array(Slug).max(8),
  p: z.array(Slug).max(30),
  u: z.number().int().min(0).max(100_000),
  q: Seconds.optional(),
  /** Bandit arms: experiment id → [phase, period, arm]. */
  a: z.record(Slug, z.tuple([z.number().int().positive(), z.number().int().positive(), Slug])).optional(),
  /** Basket this session and products bought (recommendations); absent from cookies written before them. */
  b: z.array(Slug).max(MAX_BASKET).optional(),
  o: z.array(Slug).max(MAX_BOUGHT).optional(),
});

type Compact = z.infer<typeof CompactSchema>;

function compact(profile: Profile): Compact {
  const { session } = profile;
  return {
    v: 1,
    n: profile.sessions,
    l: profile.lastSeen,
    s: [session.start, session.source, session.landing, session.basketAdds, session.purchased ? 1 : 0],
    c: profile.categories,
    r: profile.recent,
    p: profile.seen,
    u: profile.purchases,
    ...(profile.lastPurchase !== undefined ? { q: profile.lastPurchase } : {}),
    ...(profile.arms
      ? {
          a: Object.fromEntries(
            Object.entries(profile.arms).map(
              ([id, held]) => [id, [held.phase, held.period, held.arm]] as const,
            ),
          ),
        }
      : {}),
    ...(profile.basket?.length ? { b: profile.basket } : {}),
    ...(profile.bought?.length ? { o: profile.bought } : {}),
  };
}

function expand(wire: Compact): Profile {
  const [start, source, landing, basketAdds, purchased] = wire.s;
  return {
    sessions: wire.n,
    lastSeen: wire.l,
    session: { start, source, landing, basketAdds, purchased: purchased === 1 },
    categories: wire.c,
    recent: wire.r,
    seen: wire.p,
    purchases: wire.u,
    lastPurchase: wire.q,
    ...(wire.a
      ? {
          arms: Object.fromEntries(
            Object.entries(wire.a).map(([id, [phase, period, arm]]) => [id, { phase, period, arm }] as const),
          ),
        }
      : {}),
    ...(wire.b ? { basket: wire.b } : {}),
    ...(wire.o ? { bought: wire.o } : {}),
  };
}

/**
 * Drops the oldest signals until the cookie fits: products seen, then recent, bought and basket products, then
 * categories, and only then remembered bandit arms.
 */
function fitToCap(profile: Profile): string {
  let wire = compact(profile);
  for (let payload = encodePayload(wire); ; payload = encodePayload(wire)) {
    if (payload.length + 23 <= MAX_COOKIE_CHARS) return payload;
    if (wire.p.length > 0) wire = { ...wire, p: wire.p.slice(0, -1) };
    else if (wire.r.length > 0) wire = { ...wire, r: wire.r.slice(0, -1) };
    else if (wire.o?.length) wire = { ...wire, o: wire.o.slice(0, -1) };
    else if (wire.b?.length) wire = { ...wire, b: wire.b.slice(0, -1) };
    else if (Object.keys(wire.c).length > 0) {
      const oldest = Object.keys(wire.c).at(-1) as string;
      const { [oldest]: _dropped, ...rest } = wire.c;
      wire = { ...wire, c: rest };
    } else {
      // Bandit arms go last, oldest first: losing one lets that visitor be assigned afresh.
      const oldest = Object.keys(wire.a ?? {})[0];
      if (oldest === undefined) return payload;
      const { [oldest]: _dropped, ...rest } = wire.a ?? {};
      wire = { ...wire, a: rest };
    }
  }
}

/**
 * What is signed: the visitor's id with the payload, so one visitor's profile presented with another's `stylist_vid`
 * (copied, or planted) does not verify, and no behavioural audience can be borrowed.
 */
const domainFor = (visitorId: string) => `${DOMAIN}${visitorId}.`;

export async function encodeProfile(profile: Profile, visitorId: string, secret: string): Promise<string> {
  return seal(domainFor(visitorId), fitToCap(profile), secret);
}

/**
 * Parsed payloads (after their signature verified), so a visitor's unchanged profile is not decoded and
 * schema-checked again on every page view. Frozen: every caller shares the one object.
 */
const parsed = createBoundedCache<Profile | null>(2_000);

function parsePayload(payload: string): Profile | undefined {
  const known = parsed.get(payload);
  if (known !== undefined) return known ?? undefined;
  const result = CompactSchema.safeParse(decodePayload(payload));
  const profile = result.success ? deepFreeze(expand(result.data)) : undefined;
  parsed.set(payload, profile ?? null);
  return profile;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export async function decodeProfile(
  value: string | undefined,
  visitorId: string,
  secret: string,
): Promise<Profile | undefined> {
  const payload = await openEnvelope(value, domainFor(visitorId), secret, MAX_COOKIE_CHARS);
  return payload === undefined ? undefined : parsePayload(payload);
}

export function readProfileCookie(cookieHeader: string | null): string | undefined {
  return readCookie(cookieHeader, PROFILE_COOKIE);
}

export async function profileCookie(profile: Profile, visitorId: string, secret: string): Promise<string> {
  return serializeCookie(PROFILE_COOKIE, await encodeProfile(profile, visitorId, secret), {
    maxAgeSeconds: MAX_AGE_SECONDS,
  });
}
