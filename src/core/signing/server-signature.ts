import { sign, verify } from "./hmac.ts";

/**
 * `X-Stylist-Signature: t=<unix seconds>,v1=<HMAC-SHA-256 of "<t>.<raw body>" with SERVER_EVENTS_SECRET, base64url,
 * first 22 characters>`. The timestamp bounds replays to a few minutes; order ids make a replayed order count once.
 */
export const SIGNATURE_HEADER = "x-stylist-signature";
const TOLERANCE_SECONDS = 300;

export async function signServerEvent(body: string, secret: string, now: number): Promise<string> {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${await sign(`${t}.${body}`, secret)}`;
}

export type SignatureCheck = "ok" | "missing" | "malformed" | "stale" | "invalid";

export async function checkServerSignature(
  header: string | null,
  body: string,
  secret: string,
  now: number,
): Promise<SignatureCheck> {
  if (!header) return "missing";
  const match = /^t=(\d{1,12}),v1=([A-Za-z0-9_-]{22})$/.exec(header.trim());
  if (!match) return "malformed";
  const [, t, signature] = match as unknown as [string, string, string];
  if (Math.abs(now / 1000 - Number(t)) > TOLERANCE_SECONDS) return "stale";
  return (await verify(`${t}.${body}`, signature, secret)) ? "ok" : "invalid";
}
