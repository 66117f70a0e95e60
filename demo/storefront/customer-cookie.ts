import { createHmac } from "node:crypto";

/**
 * How a shop signs its customer cookie for Stylist (`settings.customer.secretVar`; docs/audiences.md): the tier, bound
 * to the visitor's Stylist id and to an expiry, so the value cannot be copied to another browser or kept forever.
 * Written the way a shop would, with nothing from Stylist: only the visitor id, read from the `stylist_vid` cookie.
 */
export function shopCustomerCookieValue(
  tier: string,
  visitorId: string,
  expires: number,
  secret: string,
): string {
  const signature = createHmac("sha256", secret)
    .update(`customer.v2.${visitorId}.${tier}.${expires}`)
    .digest("base64url")
    .slice(0, 22);
  return `${tier}.${expires}.${signature}`;
}

/** The visitor id inside a `stylist_vid` cookie (`v1.<id>.<first seen>.<signature>`), if the request has one. */
export function stylistVisitorId(cookieHeader: string | undefined): string | undefined {
  const value = /(?:^|;\s*)stylist_vid=v1\.([0-9a-f]{32})\./.exec(cookieHeader ?? "");
  return value?.[1];
}
