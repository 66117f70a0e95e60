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
export interface LegacyEncoder {
  /** The text's bytes, with a character reference for each character the encoding lacks. */
  encode(text: string): Uint8Array;
  /** One character's bytes, or undefined when the encoding lacks it. */
  encodeChar(char: string): Uint8Array | undefined;
}

const MULTI_BYTE = new Set(["gbk", "gb18030", "big5", "euc-jp", "shift_jis", "euc-kr"]);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const encoders = new Map<string, LegacyEncoder>();

/** The encoder for `encoding`, a WHATWG encoding name (`new TextDecoder(label).encoding`). */
export function legacyEncoder(encoding: string): LegacyEncoder {
  let encoder = encoders.get(encoding);
  if (!encoder) {
    encoder = createEncoder(encoding);
    encoders.set(encoding, encoder);
  }
  return encoder;
}

function createEncoder(encoding: string): LegacyEncoder {
  // Both throw for a character the encoding lacks ("fatal", the only mode they offer): each such one is written as
  // a reference instead.
  const strict = MULTI_BYTE.has(encoding)
    ? createMultibyteEncoder(encoding)
    : createSinglebyteEncoder(encoding);
  const encodeChar = (char: string) => {
    try {
      return new Uint8Array(strict(char));
    } catch {
      return undefined;
    }
  };
  return {
    encodeChar,
    encode(text) {
      // workerd hands the rewriter UTF-8: a lone surrogate is already U+FFFD there.
      const wellFormed = text.replace(LONE_SURROGATE, "\ufffd");
      try {
        return new Uint8Array(strict(wellFormed));
      } catch {
        const bytes: number[] = [];
        for (const char of wellFormed) {
          const encoded = encodeChar(char);
          if (encoded) bytes.push(...encoded);
          else for (const byte of `&#${char.codePointAt(0)};`) bytes.push(byte.charCodeAt(0));
        }
        return Uint8Array.from(bytes);
      }
    },
  };
}
