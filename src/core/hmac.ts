import { type BoundedCache, createBoundedCache } from "./bounded-cache.ts";

/** HMAC-SHA-256 signatures for values the edge hands to browsers and later trusts again (visitor ids, previews). */
const encoder = new TextEncoder();
/**
 * Resolved keys only: a promise created while serving one request must not be awaited by another (workerd ties it to
 * the first request, and a second one waiting on it can be cancelled as hung).
 */
const keyCache = new Map<string, CryptoKey>();
const SIGNATURE_CHARS = 22;

async function signingKey(secret: string): Promise<CryptoKey> {
  const cached = keyCache.get(secret);
  if (cached) return cached;
  const algorithm = { name: "HMAC", hash: "SHA-256" };
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), algorithm, false, ["sign"]);
  if (keyCache.size >= 16) keyCache.clear();
  keyCache.set(secret, key);
  return key;
}

/** The runtime's built-in encoder (workerd has it; Node 24 does not yet), used where present: it is several times faster. */
type NativeBase64 = Uint8Array & {
  toBase64?: (options: { alphabet: "base64url"; omitPadding: boolean }) => string;
};

export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const view = new Uint8Array(bytes) as NativeBase64;
  if (typeof view.toBase64 === "function") return view.toBase64({ alphabet: "base64url", omitPadding: true });
  return portableBase64url(view);
}

/** The same encoding with btoa, for runtimes without Uint8Array.prototype.toBase64. */
export function portableBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): string {
  return atob(text.replace(/-/g, "+").replace(/_/g, "/"));
}

/** The first 128 bits of the MAC, base64url: 22 characters. */
export async function sign(payload: string, secret: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await signingKey(secret), encoder.encode(payload));
  return base64url(mac).slice(0, SIGNATURE_CHARS);
}

/** Compares without an early exit, so timing does not reveal how much of a forged signature was right. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Signed values this isolate has already verified, per secret. A visitor presents the same cookie on every page
 * view, so most checks are a lookup. Only values that verified are kept: a forged value can never be cached, so
 * nobody can make a forgery pass or push genuine entries out faster than by presenting genuine values.
 */
const verified = new Map<string, BoundedCache<true>>();
const VERIFIED_ENTRIES = 4_000;

function verifiedFor(secret: string) {
  let cache = verified.get(secret);
  if (!cache) {
    if (verified.size >= 16) verified.clear();
    cache = createBoundedCache<true>(VERIFIED_ENTRIES);
    verified.set(secret, cache);
  }
  return cache;
}

export async function verify(payload: string, signature: string, secret: string): Promise<boolean> {
  const cache = verifiedFor(secret);
  const key = `${signature}.${payload}`;
  if (cache.get(key)) return true;
  const valid = constantTimeEqual(signature, await sign(payload, secret));
  if (valid) cache.set(key, true);
  return valid;
}
