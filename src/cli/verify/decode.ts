/**
 * Bytes to text the way a browser picks the encoding (WHATWG HTML "determining the character encoding", simplified):
 * a byte-order mark wins, then the Content-Type charset, then a `<meta>` in the first 1024 bytes, else windows-1252.
 * The origin page and the served page are each decoded this way, so a re-encoded byte shows as a changed character.
 */
export function sniffEncoding(bytes: Uint8Array, contentType: string | null): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  const fromHeader = known(/charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType ?? "")?.[1]);
  if (fromHeader) return fromHeader;
  const head = new TextDecoder("windows-1252")
    .decode(bytes.subarray(0, 1024))
    .replace(/<!--[\s\S]*?-->/g, "");
  for (const meta of head.matchAll(/<meta\b[^>]*>/gi)) {
    const declared = known(/charset\s*=\s*["']?([^"'\s;/>]+)/i.exec(meta[0])?.[1]);
    // A page that says it is UTF-16 in ASCII bytes is not: browsers read it as UTF-8.
    if (declared) return declared.startsWith("utf-16") ? "utf-8" : declared;
  }
  return "windows-1252";
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
