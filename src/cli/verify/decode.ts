import { TextDecoder } from "@exodus/bytes/encoding.js";
import { browserEncoding, headerCharset } from "../../render/charset-sniff.ts";

/**
 * Bytes to text the way a browser picks the encoding, with the worker's own sniffing (render/charset-sniff.ts): a
 * byte-order mark wins, then the Content-Type charset (one the browser does not know is ignored), then a `<meta>` in
 * the first 1024 bytes, else windows-1252. The origin page and the served page are each decoded this way, so a
 * re-encoded byte shows as a changed character. Returns the WHATWG name of the encoding (`latin1` → windows-1252).
 * The decoders are the WHATWG standard's, as browsers' are (Node's own are ICU's, which differ in Big5 and EUC-KR).
 */
export function sniffEncoding(bytes: Uint8Array, contentType: string | null): string {
  const header = headerCharset(contentType);
  return (
    known(browserEncoding(bytes, known(header)).label) ??
    // The meta named an encoding the browser does not know either: it falls back to its default.
    "windows-1252"
  );
}

function known(label: string | undefined): string | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
}

export function decodeHtml(
  bytes: Uint8Array,
  contentType: string | null,
): { text: string; encoding: string } {
  const encoding = sniffEncoding(bytes, contentType);
  // TextDecoder drops a BOM that matches its encoding, as a browser does.
  return { text: new TextDecoder(encoding).decode(bytes), encoding };
}
