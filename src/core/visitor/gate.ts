import { isbot } from "isbot";
import { createBoundedCache } from "../cache/bounded-cache.ts";
import { type Consent, OBJECTION_COOKIE } from "../schema/consent.ts";
import { readCookie, safeDecode } from "./cookies.ts";

/** Why a request gets no personalisation at all: the origin page, no cookie, nothing logged. */
export type Gate = "bot" | "objection" | "no-consent";

/**
 * Checked before anything is stored or logged. Bots (the `isbot` list, or Cloudflare's verified-bot signal) get the
 * control — the same page as most people, so it is not cloaking — and never enter the data. So do visitors who
 * objected (our cookie, or Global Privacy Control), and, where consent is required, those who have not given it.
 */
/** isbot runs one large regular expression; a site sees the same few hundred user agents over and over. */
const botVerdicts = createBoundedCache<boolean>(1_000);

function isBotAgent(userAgent: string): boolean {
  let verdict = botVerdicts.get(userAgent);
  if (verdict === undefined) {
    verdict = isbot(userAgent);
    if (userAgent.length <= 512) botVerdicts.set(userAgent, verdict);
  }
  return verdict;
}

export function gateOf(headers: Headers, consent: Consent, verifiedBot: boolean): Gate | undefined {
  if (verifiedBot || isBotAgent(headers.get("user-agent") ?? "")) return "bot";
  const cookies = headers.get("cookie");
  if (readCookie(cookies, OBJECTION_COOKIE) === "1" || headers.get("sec-gpc") === "1") return "objection";
  if (consent.mode === "required") {
    const value = consent.cookie ? readCookie(cookies, consent.cookie) : undefined;
    const granted =
      value !== undefined &&
      consent.grantedValues.some((yes) => yes.toLowerCase() === safeDecode(value).toLowerCase());
    if (!granted) return "no-consent";
  }
  return undefined;
}
