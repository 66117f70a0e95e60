import * as z from "zod";
import { hasNonPrintable } from "../html/printable.ts";

/** A string of at most `max` characters with no control, format or separator character (see printable.ts). */
export function printableText(max: number) {
  return z
    .string()
    .max(max)
    .refine((value) => !hasNonPrintable(value), {
      message: "control characters (ESC, BEL, NUL, bidi overrides, zero-width…) are not allowed",
    });
}
