/**
 * The stored id of a browser event that chose its own `id`. The browser's id is only a retry key: stored as sent, a
 * page could claim the id the shop's backend will use for a signed event and have that event ignored as a duplicate.
 * Derived from the visitor and the chosen id, it still makes a retry from the same visitor count once, but can never
 * equal an id anyone else reports. Formatted as an RFC 9562 version-8 UUID, so it passes the event schema.
 */
export async function browserEventId(visitor: string, chosen: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(`browser-event\n${visitor}\n${chosen.toLowerCase()}`),
    ),
  ).slice(0, 16);
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x80;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
