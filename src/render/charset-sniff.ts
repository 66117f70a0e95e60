/**
 * The page's character encoding as a browser determines it (https://html.spec.whatwg.org/multipage/parsing.html
 * #determining-the-character-encoding): a byte order mark wins, then the Content-Type charset, then a `<meta>` in the
 * first 1024 bytes. lol-html only knows the charset it is told, and assumes UTF-8: told wrong, it re-encodes every
 * attribute it rewrites and every character it inserts.
 */
export type PageEncoding = { label: string; undeclared: boolean } | { refused: string };

export const PRESCAN_BYTES = 1024;

const UTF8 = new Set([
  "unicode-1-1-utf-8",
  "unicode11utf8",
  "unicode20utf8",
  "utf-8",
  "utf8",
  "x-unicode20utf8",
]);
const UTF16 = new Set([
  "csunicode",
  "iso-10646-ucs-2",
  "ucs-2",
  "unicode",
  "unicodefeff",
  "utf-16",
  "utf-16le",
  "unicodefffe",
  "utf-16be",
]);
/** Not ASCII-compatible (or the replacement encoding): lol-html refuses them, so the page is served untouched. */
const UNSUPPORTED = new Set([
  "csiso2022jp",
  "iso-2022-jp",
  "csiso2022kr",
  "hz-gb-2312",
  "iso-2022-cn",
  "iso-2022-cn-ext",
  "iso-2022-kr",
  "replacement",
]);

const normal = (label: string) => label.trim().toLowerCase();
export const isUtf8Label = (label: string) => label === "utf-8" || UTF8.has(normal(label));

/** The charset parameter of a Content-Type header, if any. */
export function headerCharset(contentType: string | null): string | undefined {
  // An origin sends the same Content-Type on nearly every page: the last one is kept.
  if (contentType === lastHeader.contentType) return lastHeader.label;
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? "");
  const label = match?.[1] || match?.[2] || undefined;
  lastHeader = { contentType, label };
  return label;
}

let lastHeader: { contentType: string | null | undefined; label: string | undefined } = {
  contentType: undefined,
  label: undefined,
};

function fromBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return undefined;
}

function usable(label: string, undeclared = false): PageEncoding {
  const name = normal(label);
  if (UTF16.has(name) || UNSUPPORTED.has(name))
    return { refused: `the page is encoded in ${name}, which the rewriter cannot read` };
  return { label: name, undeclared };
}

/**
 * The encoding a browser reads a page starting with `prefix` served with charset `header` in, whether or not the
 * rewriter can: the BOM, the header, a `<meta>` in the first 1024 bytes, or else (undeclared) windows-1252.
 */
export function browserEncoding(
  prefix: Uint8Array,
  header: string | undefined,
): { label: string; undeclared: boolean } {
  const bom = fromBom(prefix);
  if (bom) return { label: bom, undeclared: false };
  if (header) return { label: normal(header), undeclared: false };
  const meta = prescanMeta(prefix.subarray(0, PRESCAN_BYTES));
  if (meta) {
    const name = normal(meta);
    // A meta can only name an ASCII-compatible encoding: the prescan itself read it as ASCII.
    if (UTF16.has(name)) return { label: "utf-8", undeclared: false };
    if (name === "x-user-defined") return { label: "windows-1252", undeclared: false };
    return { label: name, undeclared: false };
  }
  // Undeclared: browsers guess. windows-1252 maps every byte to one character and back, so whatever the page
  // really is, the bytes the rewriter re-encodes come out unchanged; inserted text is written as ASCII.
  return { label: "windows-1252", undeclared: true };
}

/** The encoding to hand the rewriter for a page starting with `prefix` served with charset `header`. */
export function sniffEncoding(prefix: Uint8Array, header: string | undefined): PageEncoding {
  const { label, undeclared } = browserEncoding(prefix, header);
  return usable(label, undeclared);
}

const isSpace = (byte: number | undefined) =>
  byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d || byte === 0x20;
const isLetter = (byte: number | undefined) =>
  byte !== undefined && ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a));
const lower = (byte: number) => (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);

function startsWith(bytes: Uint8Array, at: number, ascii: string): boolean {
  for (let i = 0; i < ascii.length; i++) {
    const byte = bytes[at + i];
    if (byte === undefined || lower(byte) !== ascii.charCodeAt(i)) return false;
  }
  return true;
}

/** "Get an attribute" of the prescan: returns the attribute and where it ended, or undefined at `>` or the end. */
function nextAttribute(
  bytes: Uint8Array,
  start: number,
): { name: string; value: string; end: number } | undefined {
  let at = start;
  while (isSpace(bytes[at]) || bytes[at] === 0x2f) at++;
  if (at >= bytes.length || bytes[at] === 0x3e) return undefined;
  let name = "";
  let value = "";
  for (; at < bytes.length; at++) {
    const byte = bytes[at] as number;
    if (byte === 0x3d && name !== "") break;
    if (isSpace(byte)) {
      while (isSpace(bytes[at])) at++;
      if (bytes[at] !== 0x3d) return { name, value, end: at };
      break;
    }
    if (byte === 0x2f || byte === 0x3e) return { name, value, end: at };
    name += String.fromCharCode(lower(byte));
  }
  at++; // past "="
  while (isSpace(bytes[at])) at++;
  const quote = bytes[at];
  if (quote === 0x22 || quote === 0x27) {
    at++;
    while (at < bytes.length && bytes[at] !== quote)
      value += String.fromCharCode(lower(bytes[at++] as number));
    return { name, value, end: at + 1 };
  }
  if (quote === 0x3e) return { name, value, end: at };
  while (at < bytes.length && !isSpace(bytes[at]) && bytes[at] !== 0x3e)
    value += String.fromCharCode(lower(bytes[at++] as number));
  return { name, value, end: at };
}

/** The charset named in a `content` attribute (`text/html; charset=windows-1252`). */
function charsetInContent(content: string): string | undefined {
  const match = /charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/i.exec(content);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/** The charset a `<meta>` in these bytes declares, following the spec's prescan (comments and tags skipped). */
function prescanMeta(bytes: Uint8Array): string | undefined {
  let at = 0;
  while (at < bytes.length) {
    if (startsWith(bytes, at, "<!--")) {
      const close = bytes.indexOf(0x3e, at + 4);
      let end = at + 4;
      while (
        end < bytes.length &&
        !(bytes[end] === 0x3e && bytes[end - 1] === 0x2d && bytes[end - 2] === 0x2d)
      )
        end++;
      at = close < 0 ? bytes.length : end + 1;
    } else if (startsWith(bytes, at, "<meta") && (isSpace(bytes[at + 5]) || bytes[at + 5] === 0x2f)) {
      let position = at + 5;
      let httpEquiv = false;
      let charset: string | undefined;
      let content: string | undefined;
      const seen = new Set<string>();
      for (
        let attribute = nextAttribute(bytes, position);
        attribute;
        attribute = nextAttribute(bytes, position)
      ) {
        position = attribute.end;
        if (seen.has(attribute.name)) continue;
        seen.add(attribute.name);
        if (attribute.name === "http-equiv") httpEquiv = attribute.value === "content-type";
        else if (attribute.name === "content") content = attribute.value;
        else if (attribute.name === "charset") charset = attribute.value;
      }
      const found = charset ?? (httpEquiv && content !== undefined ? charsetInContent(content) : undefined);
      if (found) return found;
      at = position + 1;
    } else if (
      bytes[at] === 0x3c &&
      (isLetter(bytes[at + 1]) || (bytes[at + 1] === 0x2f && isLetter(bytes[at + 2])))
    ) {
      let position = at + 2;
      while (position < bytes.length && !isSpace(bytes[position]) && bytes[position] !== 0x3e) position++;
      for (
        let attribute = nextAttribute(bytes, position);
        attribute;
        attribute = nextAttribute(bytes, position)
      )
        position = attribute.end;
      at = position + 1;
    } else if (
      bytes[at] === 0x3c &&
      (bytes[at + 1] === 0x21 || bytes[at + 1] === 0x2f || bytes[at + 1] === 0x3f)
    ) {
      const close = bytes.indexOf(0x3e, at + 2);
      at = close < 0 ? bytes.length : close + 1;
    } else at++;
  }
  return undefined;
}
