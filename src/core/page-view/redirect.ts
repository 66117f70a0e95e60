import { PREVIEW_PARAM } from "../signing/preview.ts";

/**
 * Where a split-URL variant sends this visitor: the variant URL resolved against the storefront, with the visitor's
 * query string carried over (the variant URL's own parameters win). Undefined — serve the page as it is — when the
 * target is off-site and not allowed, or is the page being requested (a loop).
 */
export function redirectTarget(
  variantUrl: string,
  requestUrl: URL,
  allowedHosts: readonly string[],
): URL | undefined {
  let target: URL;
  try {
    target = new URL(variantUrl, requestUrl);
  } catch {
    return undefined;
  }
  const sameSite = target.host === requestUrl.host;
  if (!sameSite && (target.protocol !== "https:" || !allowedHosts.includes(target.hostname)))
    return undefined;
  if (sameSite && target.protocol !== requestUrl.protocol) return undefined;
  if (sameSite && target.pathname === requestUrl.pathname) return undefined;
  // Every value of a repeated parameter (`a=1&a=2`), in order; a name the variant URL sets is the variant's alone.
  const variantOwn = new Set(target.searchParams.keys());
  for (const [name, value] of requestUrl.searchParams) {
    if (name !== PREVIEW_PARAM && !variantOwn.has(name)) target.searchParams.append(name, value);
  }
  return target;
}
