import type { CompiledRules } from "../core/compile.ts";
import type { Decision } from "../core/decide.ts";
import type { ExposureOutcome } from "../core/exposures.ts";

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
/** Well inside a Worker's 128 MB, alongside the compiled rules and catalogue. */
export const MAX_TOTAL_BYTES = 24 * 1024 * 1024;

const entries = new Map<string, CachedPage>();
/** How many live entries each URL has: a URL with none skips the lookup and starts its origin fetch at once. */
const perUrl = new Map<string, number>();
let totalBytes = 0;

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
  return `${rules.version}\n${url.pathname}${url.search}\n${arms}`;
}

export function mayHaveCachedPage(url: URL): boolean {
  return perUrl.has(`${url.pathname}${url.search}`);
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
  while (totalBytes + page.body.byteLength > MAX_TOTAL_BYTES) {
    const oldest = entries.keys().next();
    if (oldest.done) break;
    forget(oldest.value);
  }
  entries.set(key, page);
  totalBytes += page.body.byteLength;
  const url = urlOf(key);
  perUrl.set(url, (perUrl.get(url) ?? 0) + 1);
}

/**
 * Passes the rendered page through unchanged while keeping a copy; once the last byte has gone out and the outcome
 * is known, `done` gets the whole body (or undefined when it outgrew MAX_ENTRY_BYTES or the stream failed).
 */
export function copyWhileStreaming(
  body: ReadableStream<Uint8Array>,
  done: (body: Uint8Array | undefined) => void,
): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (size <= MAX_ENTRY_BYTES) {
          chunks.push(chunk.slice());
          size += chunk.byteLength;
        }
        controller.enqueue(chunk);
      },
      flush() {
        if (size > MAX_ENTRY_BYTES) return done(undefined);
        const whole = new Uint8Array(size);
        let offset = 0;
        for (const chunk of chunks) {
          whole.set(chunk, offset);
          offset += chunk.byteLength;
        }
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
}
