import { TextDecoder } from "@exodus/bytes/encoding.js";
import type {
  ContentOptions,
  ElementHandlers,
  RewriterDocumentEnd,
  RewriterEndTag,
  StreamedElement,
} from "../render/rewriter-types.ts";
import { type LegacyEncoder, legacyEncoder } from "./legacy-encoder.ts";

/**
 * How the WebAssembly lol-html, which reads every page as UTF-8, renders a page in a legacy encoding byte for byte as
 * workerd's lol-html (told the encoding) does. Every byte from 0x80 up goes in as the character U+0080–U+00FF, so the
 * engine sees the page's ASCII bytes — all it tokenizes and matches on (`<`, `>`, quotes, `=`, `/`, whitespace, tag
 * and attribute names) — exactly where they were, in single-byte and multi-byte encodings alike (a Shift_JIS or GBK
 * trail byte in the ASCII range stays that ASCII byte, as workerd's engine sees it too), and comes out as that byte
 * again. Strings crossing the handles are translated as workerd's engine translates them: what the renderer reads
 * (attribute values, text, comments) is decoded from the page's encoding; what it writes is encoded into it, with a
 * character reference where the encoding has no bytes for a character, and text escaped first as the engine does.
 * Both directions follow the WHATWG Encoding Standard, as encoding_rs in workerd does (not Node's ICU decoders).
 */
export interface PageCharset {
  /** The page's bytes as the engine reads them. */
  input(chunk: Uint8Array): Uint8Array;
  /** The engine's output back as the page's bytes; holds a character split between two chunks. */
  output(chunk: Uint8Array): Uint8Array;
  /** The selector matching, in the engine's reading of the page, what it matches in workerd's. */
  selector(selector: string): string;
  handlers(handlers: ElementHandlers): ElementHandlers;
  documentEnd(end: RewriterDocumentEnd): RewriterDocumentEnd;
}

/** Encodings lol-html refuses: not ASCII-compatible, so no byte mapping could keep the markup in place. */
const REFUSED = new Set(["utf-16le", "utf-16be", "iso-2022-jp", "replacement"]);

/**
 * The translation for a page whose Content-Type names `label`, or undefined for UTF-8 (the engine's own). Throws, as
 * workerd's HTMLRewriter does, for a label no browser knows or an encoding the engine cannot read.
 */
export function pageCharset(label: string | undefined): PageCharset | undefined {
  if (label === undefined) return undefined;
  let encoding: string;
  try {
    encoding = new TextDecoder(label.trim()).encoding;
  } catch {
    // workerd's words, so a fault reads the same in verify as in the worker's logs.
    throw new TypeError("Parser error: Unknown character encoding has been provided.");
  }
  if (encoding === "utf-8") return undefined;
  if (REFUSED.has(encoding)) throw new TypeError(`the rewriter cannot read pages encoded in ${encoding}`);
  return createPageCharset(encoding);
}

const HTML = { html: true } as const;

/** What lol-html does to text inserted as text (not HTML) before it encodes it. */
const escapeText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function createPageCharset(encoding: string): PageCharset {
  const encoder = legacyEncoder(encoding);
  const encode = (text: string) => encoder.encode(text);
  const decoder = new TextDecoder(encoding);
  /** The engine's string for text in the page's encoding: one character per byte. */
  const inward = (text: string) => Buffer.from(encode(text)).toString("latin1");
  const bytesOf = (engineText: string) => Buffer.from(engineText, "latin1");
  const outward = (engineText: string) => decoder.decode(bytesOf(engineText));
  const content = (value: string, options?: ContentOptions) =>
    inward(options?.html ? value : escapeText(value));
  type Writer = (value: string, options?: ContentOptions) => unknown;
  const writer = (write: Writer) => (value: string, options?: ContentOptions) =>
    write(content(value, options), HTML);

  const endTag = (end: RewriterEndTag): RewriterEndTag => ({
    get name() {
      return outward(end.name);
    },
    before: writer((value, options) => end.before(value, options)),
    after: writer((value, options) => end.after(value, options)),
  });

  const element = (raw: StreamedElement): StreamedElement => ({
    get tagName() {
      return outward(raw.tagName);
    },
    get attributes() {
      return [...raw.attributes].map(([name = "", value = ""]) => [outward(name), outward(value)]);
    },
    getAttribute: (name) => {
      const value = raw.getAttribute(inward(name));
      return value === null ? null : outward(value);
    },
    setAttribute: (name, value) => raw.setAttribute(inward(name), inward(value)),
    removeAttribute: (name) => raw.removeAttribute(inward(name)),
    setInnerContent: writer((value, options) => raw.setInnerContent(value, options)),
    replace: writer((value, options) => raw.replace(value, options)),
    before: writer((value, options) => raw.before(value, options)),
    after: writer((value, options) => raw.after(value, options)),
    prepend: writer((value, options) => raw.prepend(value, options)),
    append: writer((value, options) => raw.append(value, options)),
    remove: () => raw.remove(),
    removeAndKeepContent: () => raw.removeAndKeepContent(),
    onEndTag: (handler) => raw.onEndTag((end) => handler(endTag(end))),
  });

  let pending: number | undefined;
  return {
    selector: (selector) => selectorInEncoding(selector, encoder),
    input(chunk) {
      let high = 0;
      for (const byte of chunk) if (byte >= 0x80) high++;
      if (high === 0) return chunk;
      const widened = new Uint8Array(chunk.length + high);
      let at = 0;
      for (const byte of chunk) {
        if (byte < 0x80) widened[at++] = byte;
        else {
          widened[at++] = 0xc0 | (byte >> 6);
          widened[at++] = 0x80 | (byte & 0x3f);
        }
      }
      return widened;
    },
    output(chunk) {
      const bytes: number[] = [];
      for (const byte of chunk) {
        if (pending !== undefined) {
          bytes.push(((pending & 0x03) << 6) | (byte & 0x3f));
          pending = undefined;
        } else if (byte < 0x80) bytes.push(byte);
        else if (byte === 0xc2 || byte === 0xc3) pending = byte;
        // Every string the engine is handed went through `inward`: nothing else can come out.
        else
          throw new Error(
            `the rewriter wrote a character outside U+0000–U+00FF (byte 0x${byte.toString(16)})`,
          );
      }
      return Uint8Array.from(bytes);
    },
    handlers(handlers) {
      // One decoder per text handler: a character split between two text chunks is read whole, in the later one.
      const textDecoder = new TextDecoder(encoding);
      return {
        element: (raw) => handlers.element(element(raw)),
        ...(handlers.text
          ? {
              text: (chunk) => {
                const last = (chunk as { lastInTextNode?: boolean }).lastInTextNode ?? true;
                const text = textDecoder.decode(bytesOf(chunk.text), { stream: !last });
                handlers.text?.({
                  get removed() {
                    return chunk.removed;
                  },
                  text,
                  remove: () => chunk.remove(),
                });
              },
            }
          : {}),
        ...(handlers.comments
          ? {
              comments: (comment) =>
                handlers.comments?.({
                  get removed() {
                    return comment.removed;
                  },
                  text: outward(comment.text),
                  remove: () => comment.remove(),
                }),
            }
          : {}),
      };
    },
    documentEnd: (end) => ({ append: writer((value, options) => end.append(value, options)) }),
  };
}

/**
 * workerd's engine encodes the strings of a selector (attribute values: lol-html accepts non-ASCII nowhere else) in the
 * page's encoding and compares bytes. Here each non-ASCII character of a quoted string, written or escaped (`\20ac`),
 * becomes the characters standing for its bytes; an ASCII byte among them (a Shift_JIS trail byte `\`) is escaped. A
 * string with a character the encoding lacks matches nothing in workerd: that character is kept, and since the engine
 * here only ever sees U+0000–U+00FF, it matches nothing either.
 */
export function selectorInEncoding(selector: string, encoder: LegacyEncoder): string {
  const inEncoding = (char: string) =>
    [...(encoder.encodeChar(char) ?? [])]
      .map((byte) => {
        const ascii = String.fromCharCode(byte);
        return byte >= 0x80 ? ascii : /["'\\]/.test(ascii) ? `\\${ascii}` : ascii;
      })
      .join("") || char;
  let out = "";
  let quote: string | undefined;
  for (let at = 0; at < selector.length; ) {
    const char = String.fromCodePoint(selector.codePointAt(at) as number);
    if (quote === undefined) {
      if (char === '"' || char === "'") quote = char;
      // An escape outside a string (`\"`) opens nothing: copied with what it escapes.
      const escaped = char === "\\" ? String.fromCodePoint(selector.codePointAt(at + 1) ?? 0x20) : "";
      out += char + escaped;
      at += char.length + escaped.length;
    } else if (char === "\\") {
      const hex = /^[0-9a-fA-F]{1,6}(?:\r\n|[ \t\n\f\r])?/.exec(selector.slice(at + 1));
      const next = selector.codePointAt(at + 1);
      if (hex) {
        const code = Number.parseInt(hex[0].trim(), 16);
        const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
        out += valid && code >= 0x80 ? inEncoding(String.fromCodePoint(code)) : `\\${hex[0]}`;
        at += 1 + hex[0].length;
      } else if (next !== undefined && next >= 0x80) {
        const escaped = String.fromCodePoint(next);
        out += inEncoding(escaped);
        at += 1 + escaped.length;
      } else {
        out += selector.slice(at, at + 2);
        at += 2;
      }
    } else {
      if (char === quote) quote = undefined;
      out += (char.codePointAt(0) as number) >= 0x80 ? inEncoding(char) : char;
      at += char.length;
    }
  }
  return out;
}
