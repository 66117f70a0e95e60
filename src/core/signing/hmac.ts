import { type BoundedCache, createBoundedCache } from "../cache/bounded-cache.ts";

/** HMAC-SHA-256 signatures for values the edge hands to browsers and later trusts again (visitor ids, previews). */
const encoder = new TextEncoder();
const SIGNATURE_CHARS = 22;
const VERIFIED_ENTRIES = 4_000;

/**
 * What the isolate keeps per secret (a few at most: rotation, tests).
 * - key: resolved keys only; a promise created while serving one request must not be awaited by another (workerd ties
 *   it to the first request, and a second one waiting on it can be cancelled as hung).
 * - verified: signed values already verified. A visitor presents the same cookie on every page view, so most checks
 *   are a lookup. Only values that verified are kept: a forged value can never be cached, so nobody can make a
 *   forgery pass or push genuine entries out faster than by presenting genuine values.
 */
interface SecretState {
  key: CryptoKey | undefined;
  verified: BoundedCache<true>;
}
const secrets = new Map<string, SecretState>();

function stateFor(secret: string): SecretState {
  let state = secrets.get(secret);
  if (!state) {
    if (secrets.size >= 16) secrets.clear();
    state = { key: undefined, verified: createBoundedCache<true>(VERIFIED_ENTRIES) };
    secrets.set(secret, state);
  }
  return state;
}

async function signingKey(secret: string): Promise<CryptoKey> {
  const state = stateFor(secret);
  if (state.key) return state.key;
  const algorithm = { name: "HMAC", hash: "SHA-256" };
  state.key = await crypto.subtle.importKey("raw", encoder.encode(secret), algorithm, false, ["sign"]);
  return state.key;
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

/** Every signing secret (VISITOR_SECRET, SERVER_EVENTS_SECRET, a customer secret) is at least this long. */
export const MIN_SECRET_LENGTH = 16;

/** The secret if it is one Stylist will sign with, else undefined: the one test for every secret. */
export function usableSecret(value: unknown): string | undefined {
  return typeof value === "string" && value.length >= MIN_SECRET_LENGTH ? value : undefined;
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

export async function verify(payload: string, signature: string, secret: string): Promise<boolean> {
  const cache = stateFor(secret).verified;
  const key = `${signature}.${payload}`;
  if (cache.get(key)) return true;
  const valid = constantTimeEqual(signature, await sign(payload, secret));
  if (valid) cache.set(key, true);
  return valid;
}
