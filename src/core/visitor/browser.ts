import type { BROWSERS } from "../schema/audience.ts";

export type BrowserFamily = (typeof BROWSERS)[number];

/** Browser family from the user agent. Order matters: Edge, Opera and Samsung all also claim to be Chrome. */
export function browserFamily(userAgent: string | null): BrowserFamily {
  const ua = userAgent ?? "";
  if (/Edg(e|A|iOS)?\//.test(ua)) return "edge";
  if (/OPR\/|Opera/.test(ua)) return "opera";
  if (/SamsungBrowser\//.test(ua)) return "samsung";
  if (/Firefox\/|FxiOS\//.test(ua)) return "firefox";
  if (/Chrome\/|CriOS\//.test(ua)) return "chrome";
  if (/Safari\//.test(ua) && /Version\//.test(ua)) return "safari";
  return "other";
}

/** The visitor's first preferred language, lower-cased (`en-gb`), from Accept-Language; q-values respected. */
export function primaryLanguage(acceptLanguage: string | null): string | undefined {
  if (!acceptLanguage) return undefined;
  let best: { tag: string; q: number } | undefined;
  for (const part of acceptLanguage.split(",").slice(0, 20)) {
    const [tag = "", ...params] = part.trim().split(";");
    const q = Number(params.find((param) => param.trim().startsWith("q="))?.split("=")[1] ?? 1);
    const clean = tag.trim().toLowerCase();
    if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(clean) || !(q > 0)) continue;
    if (!best || q > best.q) best = { tag: clean, q };
  }
  return best?.tag;
}
