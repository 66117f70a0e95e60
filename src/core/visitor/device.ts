import type { DeviceClass } from "./context.ts";

/**
 * Coarse device class. The `Sec-CH-UA-Mobile` client hint is authoritative when Chromium sends it; otherwise the
 * user agent decides. Tablets are checked first because iPad and Android tablet agents also say "Mobile"-ish things.
 */
export function classifyDevice(userAgent: string | null, mobileHint: string | null): DeviceClass {
  const ua = userAgent ?? "";
  if (/iPad|Tablet|PlayBook|Silk|Kindle|Android(?!.*Mobile)/i.test(ua)) return "tablet";
  if (mobileHint === "?1") return "mobile";
  if (/Mobi|iPhone|iPod|Android.*Mobile|Windows Phone|BlackBerry|Opera Mini/i.test(ua)) return "mobile";
  return "desktop";
}
