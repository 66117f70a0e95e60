import { readCookie, safeDecode } from "./cookies.ts";
import { usableSecret, verify } from "./hmac.ts";
import type { CustomerSource } from "./schema/taxonomy.ts";

export interface CustomerStatus {
  customer: boolean;
  tier: string | undefined;
}

const NONE: CustomerStatus = { customer: false, tier: undefined };

/**
 * Who is a customer, as the storefront says in a cookie or header it sets (`gold`, `1`…). With `secretVar`, the value
 * must be `<tier>.<signature>` (HMAC with that secret over "customer.v1.<tier>", as docs/audiences.md shows), so a
 * visitor cannot make themselves a customer by setting a cookie.
 */
export async function readCustomer(
  source: CustomerSource | undefined,
  headers: Headers,
  secrets: Record<string, unknown>,
): Promise<CustomerStatus> {
  if (!source) return NONE;
  const raw =
    (source.header && headers.get(source.header)) ||
    (source.cookie && readCookie(headers.get("cookie"), source.cookie));
  if (!raw || raw.length > 200) return NONE;
  let value = safeDecode(raw).trim();
  if (source.secretVar) {
    const secret = usableSecret(secrets[source.secretVar]);
    const dot = value.lastIndexOf(".");
    if (!secret || dot < 1) return NONE;
    if (!(await verify(`customer.v1.${value.slice(0, dot)}`, value.slice(dot + 1), secret))) return NONE;
    value = value.slice(0, dot);
  }
  if (!/^[A-Za-z0-9_-]{1,50}$/.test(value) || /^(0|false|no)$/i.test(value)) return NONE;
  return { customer: true, tier: /^(1|true|yes)$/i.test(value) ? undefined : value.toLowerCase() };
}
