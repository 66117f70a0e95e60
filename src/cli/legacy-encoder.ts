/**
 * Text to bytes in a legacy (non-UTF-8, ASCII-compatible) encoding, as the WHATWG Encoding Standard's encoders write
 * it and as encoding_rs does inside workerd's HTMLRewriter: a character the encoding has no bytes for becomes a
 * decimal numeric character reference (`&#12450;`). `stylist verify` needs it to write inserted text into a
 * windows-1252 or Shift_JIS page byte for byte as the deployed worker does.
 *
 * No tables are shipped: each encoding's are read once from the runtime's own TextDecoder (the standard's decoders
 * and encoders share one index per encoding), in the standard's pointer order, with the encoders' exceptions.
 */
export type Encode = (text: string) => Uint8Array;

/** Code point → bytes, for the characters an encoding maps beyond ASCII. */
type Table = Map<number, number[]>;

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
  const special = SPECIAL[encoding]?.();
  const table = special ? special.table : singleByteTable(encoding);
  const extra = special?.extra ?? (() => undefined);
  return (text) => {
    const bytes: number[] = [];
    // workerd hands the rewriter UTF-8: a lone surrogate is already U+FFFD there.
    for (const char of text.replace(LONE_SURROGATE, "\ufffd")) {
      const code = char.codePointAt(0) as number;
      if (code < 0x80) {
        bytes.push(code);
        continue;
      }
      const mapped = extra(code) ?? table.get(code);
      if (mapped) bytes.push(...mapped);
      else for (const byte of `&#${code};`) bytes.push(byte.charCodeAt(0));
    }
    return Uint8Array.from(bytes);
  };
}

/**
 * Decodes byte sequences in one batch, each followed by a newline: a decoder that rejects a sequence re-reads an
 * ASCII byte as itself, so the newlines still separate one sequence's characters from the next one's.
 */
function decodeEach(encoding: string, sequences: number[][]): string[] {
  const bytes: number[] = [];
  for (const sequence of sequences) bytes.push(...sequence, 0x0a);
  return new TextDecoder(encoding).decode(Uint8Array.from(bytes)).split("\n").slice(0, sequences.length);
}

/** The one code point `decoded` holds, or undefined for an error, several code points or none. */
function single(decoded: string | undefined): number | undefined {
  if (decoded === undefined) return undefined;
  const [first, second] = decoded;
  if (first === undefined || second !== undefined || first === "\ufffd") return undefined;
  return first.codePointAt(0);
}

function singleByteTable(encoding: string): Table {
  const bytes = Array.from({ length: 0x80 }, (_, i) => [0x80 + i]);
  const table: Table = new Map();
  decodeEach(encoding, bytes).forEach((decoded, i) => {
    const code = single(decoded);
    if (code !== undefined && code >= 0x80 && !table.has(code)) table.set(code, bytes[i] as number[]);
  });
  return table;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Each two-byte sequence's code point, in the standard's pointer order (leads, then trails, ascending); the first
 * pointer of a code point is the one its encoder writes unless `last` says otherwise. `skip` leaves out pointers the
 * encoder excludes.
 */
function twoByteTable(
  encoding: string,
  leads: number[],
  trails: number[],
  options: { skip?: (lead: number, trail: number) => boolean; last?: Set<number> } = {},
): Table {
  const sequences: number[][] = [];
  for (const lead of leads)
    for (const trail of trails) if (!options.skip?.(lead, trail)) sequences.push([lead, trail]);
  const table: Table = new Map();
  decodeEach(encoding, sequences).forEach((decoded, i) => {
    const code = single(decoded);
    if (code === undefined || code < 0x80) return;
    if (!table.has(code) || options.last?.has(code)) table.set(code, sequences[i] as number[]);
  });
  return table;
}

/** Half-width katakana and the characters both Japanese encoders write specially. */
function japaneseExtra(table: Table, katakana: (code: number) => number[]) {
  return (code: number): number[] | undefined => {
    if (code === 0xa5) return [0x5c];
    if (code === 0x203e) return [0x7e];
    if (code >= 0xff61 && code <= 0xff9f) return katakana(code - 0xff61 + 0xa1);
    if (code === 0x2212) return table.get(0xff0d);
    return undefined;
  };
}

/** gb18030's four-byte sequence for `pointer` (index gb18030 ranges). */
function fourBytes(pointer: number): number[] {
  const b1 = Math.floor(pointer / 12600);
  const b2 = Math.floor((pointer % 12600) / 1260);
  const b3 = Math.floor((pointer % 1260) / 10);
  return [b1 + 0x81, b2 + 0x30, b3 + 0x81, (pointer % 10) + 0x30];
}

/**
 * gb18030's four-byte pointer for a BMP code point no two-byte sequence has: the ranges map pointers to code points
 * in ascending order, so a binary search over the decoder finds it (7457 is the standard's one exception, U+E7C7).
 */
function rangesPointer(code: number): number | undefined {
  const decoder = new TextDecoder("gb18030");
  const at = (pointer: number) =>
    pointer === 7457 ? 0x1e3f : (decoder.decode(Uint8Array.from(fourBytes(pointer))).codePointAt(0) ?? 0);
  let low = 0;
  let high = 39419;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const found = at(middle);
    if (found === code) return middle;
    if (found < code) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

function gb18030(gbk: boolean) {
  const table = twoByteTable("gb18030", range(0x81, 0xfe), [...range(0x40, 0x7e), ...range(0x80, 0xfe)]);
  table.delete(0xe5e5);
  const extra = (code: number): number[] | undefined => {
    if (code === 0xe5e5) return undefined;
    if (gbk) return code === 0x20ac ? [0x80] : undefined;
    if (code === 0xe7c7) return fourBytes(7457);
    if (table.has(code)) return undefined;
    if (code >= 0x10000) return fourBytes(189000 + code - 0x10000);
    const pointer = rangesPointer(code);
    return pointer === undefined ? undefined : fourBytes(pointer);
  };
  return { table, extra };
}

const SPECIAL: Record<string, () => { table: Table; extra?: (code: number) => number[] | undefined }> = {
  gbk: () => gb18030(true),
  gb18030: () => gb18030(false),
  big5: () => ({
    // Pointers below (0xA1 - 0x81) × 157 are Hong Kong additions the encoder leaves out; for six code points that
    // appear twice it writes the last pointer.
    table: twoByteTable("big5", range(0xa1, 0xfe), [...range(0x40, 0x7e), ...range(0xa1, 0xfe)], {
      last: new Set([0x2550, 0x255e, 0x2561, 0x256a, 0x5341, 0x5345]),
    }),
  }),
  "euc-kr": () => ({ table: twoByteTable("euc-kr", range(0x81, 0xfe), range(0x41, 0xfe)) }),
  "euc-jp": () => {
    const table = twoByteTable("euc-jp", range(0xa1, 0xfe), range(0xa1, 0xfe));
    return { table, extra: japaneseExtra(table, (byte) => [0x8e, byte]) };
  },
  shift_jis: () => {
    const pointer = (lead: number, trail: number) =>
      (lead - (lead < 0xa0 ? 0x81 : 0xc1)) * 188 + trail - (trail < 0x7f ? 0x40 : 0x41);
    const table = twoByteTable(
      "shift_jis",
      [...range(0x81, 0x9f), ...range(0xe0, 0xfc)],
      [...range(0x40, 0x7e), ...range(0x80, 0xfc)],
      // 8272–8835 repeat IBM characters the encoder writes from elsewhere; 8836–10715 decode to private use only.
      { skip: (lead, trail) => pointer(lead, trail) >= 8272 && pointer(lead, trail) <= 10715 },
    );
    const extra = japaneseExtra(table, (byte) => [byte]);
    return { table, extra: (code: number) => (code === 0x80 ? [0x80] : extra(code)) };
  },
};
