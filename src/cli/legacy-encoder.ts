import { createMultibyteEncoder } from "@exodus/bytes/multi-byte.js";
import { createSinglebyteEncoder } from "@exodus/bytes/single-byte.js";

/**
 * Text to bytes in a legacy (non-UTF-8, ASCII-compatible) encoding, as the WHATWG Encoding Standard's encoders write
 * it and as encoding_rs does inside workerd's HTMLRewriter: a character the encoding has no bytes for becomes a
 * decimal numeric character reference (`&#12450;`). `stylist verify` needs it to write inserted text into a
 * windows-1252 or Shift_JIS page byte for byte as the deployed worker does.
 *
 * The encoders are @exodus/bytes' (the standard's indexes, its exceptions included); Node's own TextDecoder is ICU's
 * and differs from the standard in Big5 and EUC-KR, so it cannot stand in for the tables.
 */
export type Encode = (text: string) => Uint8Array;

const MULTI_BYTE = new Set(["gbk", "gb18030", "big5", "euc-jp", "shift_jis", "euc-kr"]);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const encoders = new Map<string, Encode>();

/** The encoder for `encoding`, a WHATWG encoding name (`new TextDecoder(label).encoding`). */
export function legacyEncoder(encoding: string): Encode {
  let encode = encoders.get(encoding);
  if (!encode) {
    encode = createEncoder(encoding);
    encoders.set(encoding, encode);
  }
  return encode;
}

function createEncoder(encoding: string): Encode {
  // Both throw for a character the encoding lacks ("fatal", the only mode they offer): each such one is written as
  // a reference instead, the rest of the text encoded in runs.
  const strict = MULTI_BYTE.has(encoding)
    ? createMultibyteEncoder(encoding)
    : createSinglebyteEncoder(encoding);
  return (text) => {
    // workerd hands the rewriter UTF-8: a lone surrogate is already U+FFFD there.
    const wellFormed = text.replace(LONE_SURROGATE, "\ufffd");
    try {
      return new Uint8Array(strict(wellFormed));
    } catch {
      const bytes: number[] = [];
      for (const char of wellFormed) {
        try {
          bytes.push(...new Uint8Array(strict(char)));
        } catch {
          for (const byte of `&#${char.codePointAt(0)};`) bytes.push(byte.charCodeAt(0));
        }
      }
      return Uint8Array.from(bytes);
    }
  };
}
