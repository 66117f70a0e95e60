import { base64url, fromBase64url, sign, verify } from "./hmac.ts";

/**
 * `<base64url(JSON)>.<signature>`: the one format of the preview token and the profile cookie. The signature is an
 * HMAC over a domain ("preview.v1.", "profile.v1.") plus the payload, so a value signed for one use can never pass
 * for another, nor for a visitor cookie.
 */
const ENVELOPE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/;

/** JSON → the base64url payload an envelope carries. */
export function encodePayload(value: unknown): string {
  return base64url(new TextEncoder().encode(JSON.stringify(value)));
}

/** The payload → its JSON value; undefined when it is not base64url of UTF-8 JSON. */
export function decodePayload(payload: string): unknown {
  try {
    return JSON.parse(
      new TextDecoder().decode(Uint8Array.from(fromBase64url(payload), (char) => char.charCodeAt(0))),
    );
  } catch {
    return undefined;
  }
}

export async function seal(domain: string, payload: string, secret: string): Promise<string> {
  return `${payload}.${await sign(domain + payload, secret)}`;
}

/** The payload of a well-formed envelope whose signature holds for this domain; undefined otherwise. */
export async function openEnvelope(
  value: string | undefined,
  domain: string,
  secret: string,
  maxLength: number,
): Promise<string | undefined> {
  if (!value || value.length > maxLength) return undefined;
  const [, payload, signature] = ENVELOPE.exec(value) ?? [];
  if (!payload || !signature) return undefined;
  return (await verify(domain + payload, signature, secret)) ? payload : undefined;
}
