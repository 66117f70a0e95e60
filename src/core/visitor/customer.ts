import type { CustomerSource } from "../schema/taxonomy.ts";
import { usableSecret, verify } from "../signing/hmac.ts";
import { readCookie, safeDecode } from "./cookies.ts";

export interface CustomerStatus {
  customer: boolean;
  tier: string | undefined;
}

const NONE: CustomerStatus = { customer: false, tier: undefined };

/** The longest a signed customer value may be valid for: as long as a cookie may live. */
const MAX_CUSTOMER_SECONDS = 400 * 24 * 60 * 60;

/** What the shop signs (docs/audiences.md): the visitor, the tier and when it stops being true. */
export function customerSigningInput(visitorId: string, tier: string, expires: number): string {
  return `customer.v2.${visitorId}.${tier}.${expires}`;
}

/**
 * Who is a customer, as the storefront says in a cookie or header it sets (`gold`, `1`…). With `secretVar`, the value
 * must be `<tier>.<expires>.<signature>`: an HMAC with that secret over "customer.v2.<visitor id>.<tier>.<expires>"
 * (docs/audiences.md), `expires` in Unix seconds, in the future and at most 400 days ahead. Bound to the visitor in
 * `stylist_vid` and to an expiry, a signed value is not a bearer token: copied to another browser (another visitor
 * id), or kept after it expired, it means "not a customer". A visitor cannot make themselves one by setting a cookie.
 */
export async function readCustomer(
  source: CustomerSource | undefined,
  headers: Headers,
  secrets: Record<string, unknown>,
  visitor: { id: string | undefined; now: number },
): Promise<CustomerStatus> {
  if (!source) return NONE;
  const raw =
    (source.header && headers.get(source.header)) ||
    (source.cookie && readCookie(headers.get("cookie"), source.cookie));
  if (!raw || raw.length > 200) return NONE;
  let value = safeDecode(raw).trim();
  if (source.secretVar) {
    const secret = usableSecret(secrets[source.secretVar]);
    const signed = /^([A-Za-z0-9_-]{1,50})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/.exec(value);
    if (!secret || !signed || !visitor.id) return NONE;
    const [, tier, expiresText, signature] = signed as unknown as [string, string, string, string];
    const expires = Number(expiresText);
    const nowSeconds = Math.floor(visitor.now / 1000);
    if (expires <= nowSeconds || expires > nowSeconds + MAX_CUSTOMER_SECONDS) return NONE;
    if (!(await verify(customerSigningInput(visitor.id, tier, expires), signature, secret))) return NONE;
    value = tier;
  }
  if (!/^[A-Za-z0-9_-]{1,50}$/.test(value) || /^(0|false|no)$/i.test(value)) return NONE;
  return { customer: true, tier: /^(1|true|yes)$/i.test(value) ? undefined : value.toLowerCase() };
}
