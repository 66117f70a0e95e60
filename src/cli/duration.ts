import { CLIError, EXIT } from "./errors.ts";

/**
 * Periods on the command line, in units nobody can misread: `m` alone could be minutes or months (`prune
 * --older-than 6m` once meant six minutes), so it is refused with both readings offered.
 */
const UNIT_SECONDS = {
  s: 1,
  min: 60,
  h: 3_600,
  d: 86_400,
  w: 7 * 86_400,
  mo: 30 * 86_400,
  y: 365 * 86_400,
} as const;

export const DURATION_UNITS = "s, min, h, d, w, mo (30 days), y (365 days)";

export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([a-z]+)$/i.exec(text.trim());
  const unit = match?.[2]?.toLowerCase();
  if (match && unit === "m") {
    throw new CLIError(
      `"${text}" is ambiguous: write ${match[1]}min for minutes or ${match[1]}mo for months`,
      EXIT.invalid,
    );
  }
  if (!match || !unit || !(unit in UNIT_SECONDS)) {
    throw new CLIError(
      `"${text}" is not a period such as 30min, 4h, 2d, 6mo or 1y (units: ${DURATION_UNITS})`,
      EXIT.invalid,
    );
  }
  return Number(match[1]) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
}
