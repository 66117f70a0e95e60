import { WEEKDAYS } from "../schema/audience.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The store's local hour (0–23) and weekday at `now`, in its IANA time zone; formatters are cached per zone. */
export function localTime(
  now: number,
  timeZone: string,
): { hour: number; weekday: (typeof WEEKDAYS)[number] } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hour: "2-digit",
      hourCycle: "h23",
      weekday: "short",
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(now));
  const hour = Number(parts.find((part) => part.type === "hour")?.value ?? 0) % 24;
  const short = (parts.find((part) => part.type === "weekday")?.value ?? "Sun").slice(0, 3).toLowerCase();
  const weekday = (WEEKDAYS as readonly string[]).includes(short)
    ? (short as (typeof WEEKDAYS)[number])
    : "sun";
  return { hour, weekday };
}
