/**
 * Characters that are not text a person reads but instructions to whatever shows it: C0 and C1 controls (ESC starts
 * terminal escape sequences, BEL rings, NUL and CR rewrite lines), format characters (the bidi overrides and
 * isolates that reorder a line, zero-width characters), line and paragraph separators, and lone surrogates. A
 * visitor can put them in an order id, a path or a UTM value; they are refused where events enter and escaped
 * wherever Stylist prints.
 */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
/** The same, but keeping the line breaks (LF, CRLF) and tabs of text meant to span lines (tables, reports, CSV). */
const NON_PRINTABLE_IN_TEXT = /(?![\n\t]|\r\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\p{Cs}/gu;

export function hasNonPrintable(value: string): boolean {
  return NON_PRINTABLE.test(value);
}

/** Drops every non-printable character: for visitor values that are kept, not refused (UTM values). */
export function withoutNonPrintable(value: string): string {
  return value.replace(new RegExp(NON_PRINTABLE.source, "gu"), "");
}

/**
 * Writes each non-printable character (but line breaks and tabs) as `\uXXXX`, one escape per UTF-16 unit: visible on
 * a terminal, and still the same string inside a JSON string literal.
 */
export function escapeNonPrintable(text: string): string {
  return text.replace(NON_PRINTABLE_IN_TEXT, (char) =>
    Array.from(
      { length: char.length },
      (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`,
    ).join(""),
  );
}
