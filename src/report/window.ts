/**
 * Attribution windows as people write them: "30min", "48h", "7d", "2w". A bare "m" is refused (minutes or months?),
 * as every period on the command line is.
 */

const UNITS: Record<string, number> = { min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds, or undefined when the text is not a positive duration. */
export function parseWindow(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(min|h|d|w)$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * (UNITS[match[2] as string] as number);
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}
