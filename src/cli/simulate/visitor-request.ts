import type { CompiledRules } from "../../core/decide/compile.ts";
import { sign, usableSecret } from "../../core/signing/hmac.ts";
import { readCookie } from "../../core/visitor/cookies.ts";
import { customerSigningInput } from "../../core/visitor/customer.ts";
import {
  decodeIdentity,
  encodeIdentity,
  mintIdentity,
  VISITOR_COOKIE,
  type VisitorIdentity,
} from "../../core/visitor/identity.ts";
import type { Profile } from "../../core/visitor/profile.ts";
import { encodeProfile, PROFILE_COOKIE } from "../../core/visitor/profile-cookie.ts";
import { classifySource, type TrafficSource } from "../../core/visitor/traffic-source.ts";
import { CLIError, EXIT } from "../errors.ts";

/**
 * `simulate`'s flags, turned into the request a browser would send: `--visitor`, the profile flags and `--customer`
 * become the signed cookies (or header) the worker reads, so the page view then goes through the worker's own
 * pipeline (src/core/page-view/prepare-page-view.ts) unchanged, gate and customer cookie included.
 */
export interface VisitorFlags {
  url: string;
  headers: string[];
  cookies: string[];
  referrer: string | undefined;
  /** `--visitor`: this id, as if its cookie had been sent. */
  visitor: string | undefined;
  /** `--returning`: first seen a day ago. */
  returning: boolean;
  /** Built from the profile flags; sent as the signed profile cookie. */
  profile: ((session: { source: TrafficSource; landing: string }) => Profile) | undefined;
  /** `--customer`: the storefront's customer cookie or header with this tier (or "1"). */
  customer: string | undefined;
}

export interface VisitorRequest {
  request: Request;
  /** VISITOR_SECRET: the project's, or a throwaway one when none is needed to verify what the user sent. */
  secret: string;
  /** Secrets by name, as the worker's env holds them (`settings.customer.secretVar`). */
  secrets: Record<string, unknown>;
  /** Set when the flags chose the visitor rather than the request's own cookie. */
  note: string | undefined;
}

function buildRequest(url: string, headers: string[], cookies: string[]): Request {
  const request = new Headers();
  for (const header of headers) {
    const colon = header.indexOf(":");
    if (colon < 1) throw new CLIError(`--header "${header}" is not "Name: value"`, EXIT.invalid);
    request.append(header.slice(0, colon).trim(), header.slice(colon + 1).trim());
  }
  if (cookies.length > 0) request.set("cookie", cookies.join("; "));
  try {
    return new Request(url, { headers: request });
  } catch {
    throw new CLIError(`--url "${url}" is not an absolute URL`, EXIT.invalid);
  }
}

/** The Cookie header with `name` set to `value`, replacing any earlier one. */
function setCookie(headers: Headers, name: string, value: string): void {
  const others = (headers.get("cookie") ?? "")
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part !== "" && part.slice(0, part.indexOf("=")).trim() !== name);
  headers.set("cookie", [...others, `${name}=${value}`].join("; "));
}

const throwawaySecret = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );

/** The request for `simulate`'s flags, with the secrets that verify it. */
export async function visitorRequest(
  flags: VisitorFlags,
  rules: CompiledRules,
  found: { visitorSecret: string | undefined; env: Readonly<Record<string, string | undefined>> },
  now: number,
): Promise<VisitorRequest> {
  const request = buildRequest(flags.url, flags.headers, flags.cookies);
  if (flags.referrer) request.headers.set("referer", flags.referrer);
  const sentCookie = readCookie(request.headers.get("cookie"), VISITOR_COOKIE);
  if (sentCookie && !flags.visitor && !found.visitorSecret) {
    throw new CLIError(
      "a visitor cookie was given but no VISITOR_SECRET to verify it (--secret, env, or .dev.vars)",
      EXIT.invalid,
    );
  }
  const secret = found.visitorSecret ?? throwawaySecret();
  const secrets: Record<string, unknown> = { ...found.env, VISITOR_SECRET: secret };
  let note: string | undefined;
  // The id the profile and a signed customer value are bound to, as the worker binds them.
  let visitorId = sentCookie ? (await decodeIdentity(sentCookie, secret))?.id : undefined;
  const firstSeen = Math.floor(now / 1000) - (flags.returning ? 86_400 : 0);
  if (flags.visitor !== undefined) {
    if (!/^[0-9a-f]{32}$/.test(flags.visitor))
      throw new CLIError("--visitor takes a 32-character hex visitor id", EXIT.invalid);
    const identity: VisitorIdentity = { id: flags.visitor, firstSeen, minted: false };
    setCookie(request.headers, VISITOR_COOKIE, await encodeIdentity(identity, secret));
    visitorId = identity.id;
    note = "given by --visitor";
  }
  if (flags.profile) {
    // A profile belongs to an identified visitor: the worker reads stylist_p only beside a valid stylist_vid.
    if (!visitorId) {
      const identity = { ...mintIdentity(now), firstSeen, minted: false };
      setCookie(request.headers, VISITOR_COOKIE, await encodeIdentity(identity, secret));
      visitorId = identity.id;
      note = "a new id carrying the profile from the flags";
    }
    // This request is the session's page unless the profile file says where the session began.
    const url = new URL(request.url);
    const source = classifySource(url, request.headers.get("referer"));
    const profile = flags.profile({ source, landing: url.pathname });
    setCookie(request.headers, PROFILE_COOKIE, await encodeProfile(profile, visitorId, secret));
  }
  if (flags.customer !== undefined) {
    const source = rules.customer;
    if (!source)
      throw new CLIError(
        "--customer: the rules set no settings.customer, so the worker never reads a customer",
        EXIT.invalid,
      );
    let value = flags.customer;
    if (source.secretVar) {
      const key = usableSecret(secrets[source.secretVar]) ?? throwawaySecret();
      secrets[source.secretVar] = key;
      // Signed as the shop signs it: bound to this visitor's id, valid for a day.
      if (!visitorId)
        throw new CLIError(
          "--customer with a signed settings.customer needs a visitor: --visitor or a visitor cookie",
          EXIT.invalid,
        );
      const expires = Math.floor(now / 1000) + 86_400;
      value = `${value}.${expires}.${await sign(customerSigningInput(visitorId, value, expires), key)}`;
    }
    if (source.header) request.headers.set(source.header, value);
    else if (source.cookie) setCookie(request.headers, source.cookie, encodeURIComponent(value));
  }
  return { request, secret, secrets, note };
}
