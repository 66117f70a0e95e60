import { sign, verify } from "../signing/hmac.ts";
import { readCookie, serializeCookie } from "./cookies.ts";

/**
 * The visitor cookie: `v1.<id>.<firstSeen>.<signature>`.
 * - id: 128 random bits as 32 hex characters; the only thing bucketing uses.
 * - firstSeen: Unix seconds of the first visit, so "new vs returning" needs no storage.
 * - signature: HMAC-SHA-256 over `v1.<id>.<firstSeen>` with VISITOR_SECRET, base64url, first 128 bits.
 * A cookie that fails any check is ignored and a new identity minted: a visitor cannot pick their own bucket.
 */
export const VISITOR_COOKIE = "stylist_vid";
/** 400 days: the longest lifetime Chromium honours, and server-set, so Safari's 7-day script-cookie cap does not apply. */
const VISITOR_COOKIE_MAX_AGE = 400 * 24 * 60 * 60;
const FORMAT = "v1";

export interface VisitorIdentity {
  id: string;
  firstSeen: number;
  /** True when this request had no valid cookie and the id was just created. */
  minted: boolean;
}

export async function encodeIdentity(identity: VisitorIdentity, secret: string): Promise<string> {
  const payload = `${FORMAT}.${identity.id}.${identity.firstSeen}`;
  return `${payload}.${await sign(payload, secret)}`;
}

export async function decodeIdentity(
  cookie: string | undefined,
  secret: string,
): Promise<VisitorIdentity | undefined> {
  if (!cookie || cookie.length > 100) return undefined;
  const match = /^v1\.([0-9a-f]{32})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/.exec(cookie);
  if (!match) return undefined;
  const [, id, firstSeen, signature] = match as unknown as [string, string, string, string];
  if (!(await verify(`${FORMAT}.${id}.${firstSeen}`, signature, secret))) return undefined;
  return { id, firstSeen: Number(firstSeen), minted: false };
}

export function mintIdentity(now: number): VisitorIdentity {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const id = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return { id, firstSeen: Math.floor(now / 1000), minted: true };
}

/** Reads the visitor from the Cookie header, minting a fresh identity when it is missing or fails verification. */
export async function resolveIdentity(cookieHeader: string | null, secret: string, now: number) {
  const existing = await decodeIdentity(readCookie(cookieHeader, VISITOR_COOKIE), secret);
  return existing ?? mintIdentity(now);
}

export async function identityCookie(identity: VisitorIdentity, secret: string): Promise<string> {
  return serializeCookie(VISITOR_COOKIE, await encodeIdentity(identity, secret), {
    maxAgeSeconds: VISITOR_COOKIE_MAX_AGE,
  });
}
