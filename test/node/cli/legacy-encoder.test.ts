import { describe, expect, it } from "vitest";
import { legacyEncoder } from "../../../src/cli/legacy-encoder.ts";
import { pageCharset, selectorInEncoding } from "../../../src/cli/wasm-charset.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("legacy encoders write what the WHATWG encoders (encoding_rs in workerd) write", () => {
  it.each<[string, string, string]>([
    ["windows-1252", "£ é €", "a320e92080"],
    ["iso-8859-15", "€", "a4"],
    ["shift_jis", "ア表¥‾｡−", "8341955c5c7ea1817c"],
    ["euc-jp", "ア¥｡", "a5a25c8ea1"],
    ["gbk", "中€", "d6d080"],
    ["gb18030", "中€\u{20000}", "d6d0a2e395328236"],
    ["big5", "中␀", "a4a4a3c0"],
    ["euc-kr", "한", "c7d1"],
  ])("%s: %s", (encoding, text, bytes) => {
    expect(hex(legacyEncoder(encoding).encode(text))).toBe(bytes);
  });

  it("a character the encoding lacks becomes a decimal character reference; a lone surrogate is U+FFFD", () => {
    expect(Buffer.from(legacyEncoder("windows-1252").encode("ア\ud800x")).toString("latin1")).toBe(
      "&#12450;&#65533;x",
    );
    expect(legacyEncoder("windows-1252").encodeChar("ア")).toBeUndefined();
  });
});

describe("the engine's view of a legacy page", () => {
  it("is every byte from 0x80 up as U+0080–U+00FF, and back", () => {
    const charset = pageCharset("shift_jis");
    const page = Uint8Array.from([0x3c, 0x70, 0x3e, 0x83, 0x41, 0x95, 0x5c, 0xff]);
    const seen = charset?.input(page) as Uint8Array;
    expect(new TextDecoder().decode(seen)).toBe("<p>\u0083A\u0095\\\u00ff");
    // Output split anywhere, even inside a character, comes back whole.
    expect([
      ...(charset?.output(seen.subarray(0, 4)) ?? []),
      ...(charset?.output(seen.subarray(4)) ?? []),
    ]).toEqual([...page]);
  });

  it("is UTF-8's own for UTF-8, and refused for encodings lol-html cannot read", () => {
    expect(pageCharset(undefined)).toBeUndefined();
    expect(pageCharset("UTF-8")).toBeUndefined();
    expect(() => pageCharset("utf-16le")).toThrow(/cannot read/);
    expect(() => pageCharset("no-such-charset")).toThrow();
  });

  it("selectors' quoted values are written in the page's bytes, escaped where a byte is ASCII", () => {
    const sjis = legacyEncoder("shift_jis");
    expect(selectorInEncoding('[title="表"]', sjis)).toBe('[title="\u0095\\\\"]');
    expect(selectorInEncoding('[title="\\8868 x"]', sjis)).toBe('[title="\u0095\\\\x"]');
    expect(selectorInEncoding("h1.a[title='ア']", sjis)).toBe("h1.a[title='\u0083A']");
    // Lacking in windows-1252: kept, so it matches nothing, as in workerd.
    expect(selectorInEncoding('[title="ア"]', legacyEncoder("windows-1252"))).toBe('[title="ア"]');
  });
});
