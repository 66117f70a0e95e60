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

export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
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

export async function verify(payload: string, signature: string, secret: string): Promise<boolean> {
  return constantTimeEqual(signature, await sign(payload, secret));
}
