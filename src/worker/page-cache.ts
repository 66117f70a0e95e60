import type { CompiledRules } from "../core/decide/compile.ts";
import type { Decision } from "../core/decide/decide.ts";
import type { ExposureOutcome } from "../core/page-view/exposures.ts";

/**
 * Rendered arms of shared-cacheable pages, kept in the isolate (see settings.pageCache). An entry is one page as one
 * arm combination renders it — never one visitor's values: arms that use placeholders or product lists are not
 * kept — together with which targets matched, so a reuse logs exposures exactly as the first render did.
 */
export interface CachedPage {
  body: Uint8Array;
  headers: [string, string][];
  outcome: ExposureOutcome;
  expiresAt: number;
  /** When it was kept, and the origin's Age then: a reuse says how old it is (RFC 9111 §5.1), as any shared cache would. */
  keptAt: number;
  originAge: number;
}

/** Most storefront pages are 50–300 KB; a page larger than this is served but not kept. */
export const MAX_ENTRY_BYTES = 1024 * 1024;
/**
 * The page cache's whole share of a Worker's 128 MB, alongside the compiled rules and catalogue: kept pages and the
 * copies being taken of pages still streaming, together.
 */
export const MAX_TOTAL_BYTES = 24 * 1024 * 1024;
/**
 * Of that, what copies in flight may hold at once. Eighty concurrent misses of a 900 KB page once held 80 copies
 * (and the rewrites behind them) at the same time; now a copy that would pass this is dropped and its page is
 * served without being kept.
 */
export const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;
/** A copy whose stream neither ended nor failed in this long (a client gone mid-page) gives its bytes back. */
const STALE_COPY_MS = 60_000;

const entries = new Map<string, CachedPage>();
/** How many live entries each URL has: a URL with none skips the lookup and starts its origin fetch at once. */
const perUrl = new Map<string, number>();
let totalBytes = 0;

interface Copy {
  bytes: number;
  startedAt: number;
  dropped: boolean;
}
/** Copies being taken, one per key: concurrent misses of the same page and arms need only one. */
const copies = new Map<string, Copy>();
let inFlightBytes = 0;
let peakInFlightBytes = 0;

/** What the cache holds now, and the most its copies in flight ever held (for tests and diagnostics). */
export function pageCacheMemory() {
  return { keptBytes: totalBytes, inFlightBytes, peakInFlightBytes, copies: copies.size };
}

function urlOf(key: string): string {
  return key.slice(key.indexOf("\n") + 1, key.lastIndexOf("\n"));
}

function forget(key: string): void {
  const entry = entries.get(key);
  if (!entry) return;
  entries.delete(key);
  totalBytes -= entry.body.byteLength;
  const url = urlOf(key);
  const left = (perUrl.get(url) ?? 1) - 1;
  if (left > 0) perUrl.set(url, left);
  else perUrl.delete(url);
}

/** The arms decided for this page view, if a rendering of them may be shared with other visitors. */
export function pageCacheKey(
  rules: CompiledRules,
  url: URL,
  decisions: readonly Decision[],
): string | undefined {
  if (!rules.pageCache.enabled) return undefined;
  // The arm served, not the experiment: a control arm renders the same for everyone even when the variant does not.
  if (decisions.some((d) => d.compiled.exposeOnDecision || d.compiled.visitorSpecificArms.has(d.variant.id)))
    return undefined;
  const arms = decisions.map((d) => `${d.compiled.experiment.id}=${d.arm}@${d.compiled.phase}`).join(",");
  return `${rules.version}\n${urlKey(url)}\n${arms}`;
}

/**
 * Scheme, host and port, path and query: an origin that builds absolute links from the Host it was sent renders a
 * different page for each host the worker answers on, so a page kept for one is never served on another.
 */
function urlKey(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search}`;
}

export function mayHaveCachedPage(url: URL): boolean {
  return perUrl.has(urlKey(url));
}

export function cachedPage(key: string, now: number): CachedPage | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt <= now) {
    forget(key);
    return undefined;
  }
  // Least recently used goes first: re-inserting moves this entry to the end of the map's order.
  entries.delete(key);
  entries.set(key, entry);
  return entry;
}

export function keepPage(key: string, page: CachedPage): void {
  if (page.body.byteLength > MAX_ENTRY_BYTES) return;
  forget(key);
  if (!makeRoom(page.body.byteLength)) return;
  entries.set(key, page);
  totalBytes += page.body.byteLength;
  const url = urlOf(key);
  perUrl.set(url, (perUrl.get(url) ?? 0) + 1);
}

/** Evicts least recently used pages until `bytes` more fit beside the kept pages and the copies in flight. */
function makeRoom(bytes: number): boolean {
  while (totalBytes + inFlightBytes + bytes > MAX_TOTAL_BYTES) {
    const oldest = entries.keys().next();
    if (oldest.done) return false;
    forget(oldest.value);
  }
  return true;
}

function release(copy: Copy): void {
  inFlightBytes -= copy.bytes;
  copy.bytes = 0;
}

/** Gives back the bytes of copies whose stream was abandoned without ending or failing. */
function sweepStaleCopies(now: number): void {
  for (const [key, copy] of copies) {
    if (now - copy.startedAt < STALE_COPY_MS) continue;
    copy.dropped = true;
    release(copy);
    copies.delete(key);
  }
}

/**
 * Passes the rendered page through unchanged while keeping a copy under `key`; once the last byte has gone out,
 * `done` gets the whole body, or undefined when the copy was dropped: it outgrew MAX_ENTRY_BYTES, the copies in
 * flight had no room for it, or another response is already copying the same key (then `done` is not called at all
 * and the body is returned untouched).
 */
export function copyWhileStreaming(
  body: ReadableStream<Uint8Array>,
  key: string,
  done: (body: Uint8Array | undefined) => void,
): ReadableStream<Uint8Array> {
  const now = Date.now();
  sweepStaleCopies(now);
  if (copies.has(key)) return body;
  const copy: Copy = { bytes: 0, startedAt: now, dropped: false };
  copies.set(key, copy);
  let chunks: Uint8Array[] = [];
  const drop = () => {
    copy.dropped = true;
    chunks = [];
    release(copy);
  };
  const finish = () => {
    if (copies.get(key) === copy) copies.delete(key);
    release(copy);
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (!copy.dropped) {
          const grown = copy.bytes + chunk.byteLength;
          if (
            grown > MAX_ENTRY_BYTES ||
            inFlightBytes + chunk.byteLength > MAX_IN_FLIGHT_BYTES ||
            !makeRoom(chunk.byteLength)
          ) {
            drop();
          } else {
            chunks.push(chunk.slice());
            copy.bytes = grown;
            inFlightBytes += chunk.byteLength;
            peakInFlightBytes = Math.max(peakInFlightBytes, inFlightBytes);
          }
        }
        controller.enqueue(chunk);
      },
      flush() {
        if (copy.dropped) {
          finish();
          return done(undefined);
        }
        const whole = new Uint8Array(copy.bytes);
        let offset = 0;
        for (const chunk of chunks) {
          whole.set(chunk, offset);
          offset += chunk.byteLength;
        }
        chunks = [];
        finish();
        done(whole);
      },
    }),
  );
}

/** Tests start each case with an empty cache. */
export function clearPageCache(): void {
  entries.clear();
  perUrl.clear();
  totalBytes = 0;
  copies.clear();
  inFlightBytes = 0;
  peakInFlightBytes = 0;
}
