import { readCookie, serializeCookie } from "../visitor/cookies.ts";
import { fromBase64url, sign } from "./hmac.ts";
import { decodePayload, encodePayload, openEnvelope, seal } from "./signed-envelope.ts";

/**
 * Preview links force chosen arms for whoever holds them, until they expire:
 *   ?stylist_preview=<base64url(JSON {"arms": {experiment: arm}, "exp": unixSeconds})>.<signature>
 * The signature is an HMAC with VISITOR_SECRET over "preview.v1." + the payload, so a visitor cookie can never pass
 * for a preview token or the other way round. A preview request is never logged and never touches the visitor's
 * own cookie; the token rides in a cookie of its own, until the token expires, so the holder can click around.
 * A token with no arms is a QA pass: every experiment decides as for a visitor. Either kind lets a headless browser
 * (which Stylist otherwise serves as a bot) through, because nothing about a preview is stored or logged.
 */
export const PREVIEW_PARAM = "stylist_preview";
export const PREVIEW_COOKIE = "stylist_preview";
const DOMAIN = "preview.v1.";
const VISITOR_DOMAIN = "preview-visitor.v1.";
const MAX_TOKEN_LENGTH = 2_000;
const MAX_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface Preview {
  arms: Map<string, string>;
  expiresAt: number;
}

export async function createPreviewToken(
  arms: Record<string, string>,
  ttlSeconds: number,
  secret: string,
  now: number,
): Promise<string> {
  if (ttlSeconds <= 0 || ttlSeconds > MAX_TTL_SECONDS)
    throw new Error("a preview lasts from 1 second to 7 days");
  return seal(DOMAIN, encodePayload({ arms, exp: Math.floor(now / 1000) + ttlSeconds }), secret);
}

/** The preview a token grants, or undefined when it is malformed, tampered with or expired. */
export async function readPreviewToken(
  token: string | undefined,
  secret: string,
  now: number,
): Promise<Preview | undefined> {
  const payload = await openEnvelope(token, DOMAIN, secret, MAX_TOKEN_LENGTH);
  if (payload === undefined) return undefined;
  const body = decodePayload(payload);
  const { arms, exp } = (body ?? {}) as { arms?: unknown; exp?: unknown };
  if (typeof exp !== "number" || exp * 1000 <= now || !arms || typeof arms !== "object") return undefined;
  const entries = Object.entries(arms).filter(
    (entry): entry is [string, string] => typeof entry[1] === "string",
  );
  // No forced arms is a QA pass (`stylist preview --qa`): the site as a visitor would get it, logged never.
  return { arms: new Map(entries), expiresAt: exp * 1000 };
}

/** The token from the link (first) or from the preview cookie set by an earlier page of the same preview. */
export function previewTokenOf(
  url: URL,
  cookieHeader: string | null,
): { token: string | undefined; fromLink: boolean } {
  const fromLink = url.searchParams.get(PREVIEW_PARAM) ?? undefined;
  return fromLink
    ? { token: fromLink, fromLink: true }
    : { token: readCookie(cookieHeader, PREVIEW_COOKIE), fromLink: false };
}

export function previewCookie(token: string, preview: Preview, now: number): string {
  return serializeCookie(PREVIEW_COOKIE, token, {
    maxAgeSeconds: Math.max(1, Math.floor((preview.expiresAt - now) / 1000)),
  });
}

/**
 * The visitor a preview without a visitor cookie stands in for: an id derived from the token (HMAC with its own
 * domain, so it is no signature of anything), so every other experiment on the page draws the same arm on each
 * reload and the previewer sees one stable page. Nothing is logged for a preview and no cookie carries this id.
 */
export async function previewVisitorId(token: string, secret: string): Promise<string> {
  const binary = fromBase64url(await sign(VISITOR_DOMAIN + token, secret));
  return Array.from(binary, (char) => char.charCodeAt(0).toString(16).padStart(2, "0"))
    .join("")
    .slice(0, 32);
}
