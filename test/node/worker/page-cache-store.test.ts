import { beforeEach, describe, expect, it } from "vitest";
import {
  type CachedPage,
  cachedPage,
  clearPageCache,
  copyWhileStreaming,
  keepPage,
  MAX_ENTRY_BYTES,
  MAX_IN_FLIGHT_BYTES,
  MAX_TOTAL_BYTES,
  mayHaveCachedPage,
  pageCacheMemory,
} from "../../../src/worker/page-cache.ts";

const page = (bytes: number, expiresAt = Number.MAX_SAFE_INTEGER): CachedPage => ({
  body: new Uint8Array(bytes),
  headers: [["content-type", "text/html"]],
  outcome: { matched: [true], faulted: [false] },
  expiresAt,
  keptAt: 0,
  originAge: 0,
});

const keyFor = (path: string, arms = "hero=promise@1") => `1\nhttps://shop.example${path}\n${arms}`;

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let total = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) total += read.value.byteLength;
  return total;
}

function streamOf(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ < chunks) controller.enqueue(new Uint8Array(size).fill(sent % 256));
      else controller.close();
    },
  });
}

beforeEach(() => clearPageCache());

describe("the isolate's store of kept pages", () => {
  it("forgets the least recently used pages once the isolate's budget is spent, and never more than it", () => {
    const size = 1024 * 1024 - 1;
    const fits = Math.floor(MAX_TOTAL_BYTES / size);
    for (let i = 0; i < fits; i++) keepPage(keyFor(`/p${i}`), page(size));
    expect(cachedPage(keyFor("/p0"), 0)).toBeDefined(); // now the most recently used
    keepPage(keyFor("/new"), page(size));
    expect(cachedPage(keyFor("/p1"), 0)).toBeUndefined();
    expect(mayHaveCachedPage(new URL("https://shop.example/p1"))).toBe(false);
    expect(cachedPage(keyFor("/p0"), 0)).toBeDefined();
    expect(cachedPage(keyFor("/new"), 0)).toBeDefined();
  });

  it("does not keep a page larger than one entry may be", () => {
    keepPage(keyFor("/huge"), page(MAX_ENTRY_BYTES + 1));
    expect(cachedPage(keyFor("/huge"), 0)).toBeUndefined();
    expect(mayHaveCachedPage(new URL("https://shop.example/huge"))).toBe(false);
  });

  it("drops a page once it has expired, and the URL is no longer looked up first", () => {
    keepPage(keyFor("/old"), page(10, 1_000));
    expect(mayHaveCachedPage(new URL("https://shop.example/old"))).toBe(true);
    expect(cachedPage(keyFor("/old"), 999)).toBeDefined();
    expect(cachedPage(keyFor("/old"), 1_000)).toBeUndefined();
    expect(mayHaveCachedPage(new URL("https://shop.example/old"))).toBe(false);
  });

  it("keeps each arm combination of a URL apart, and knows the URL while any of them is kept", () => {
    keepPage(keyFor("/p", "hero=promise@1"), page(10));
    keepPage(keyFor("/p", "hero=control@1"), page(20));
    expect(cachedPage(keyFor("/p", "hero=control@1"), 0)?.body.byteLength).toBe(20);
    expect(cachedPage(keyFor("/p", "hero=promise@2"), 0)).toBeUndefined();
    expect(mayHaveCachedPage(new URL("https://shop.example/p?x=1"))).toBe(false);
    expect(mayHaveCachedPage(new URL("https://shop.example/p"))).toBe(true);
  });
});

describe("copying a page while it streams", () => {
  it("passes every byte through and hands over the whole page at the end", async () => {
    let kept: Uint8Array | undefined | "not called" = "not called";
    const served = await drain(
      copyWhileStreaming(streamOf(5, 1000), keyFor("/five"), (whole) => (kept = whole)),
    );
    expect(served).toBe(5000);
    expect(kept).toBeInstanceOf(Uint8Array);
    expect((kept as unknown as Uint8Array).byteLength).toBe(5000);
  });

  it("still serves a page too large to keep, and keeps nothing of it", async () => {
    let kept: Uint8Array | undefined | "not called" = "not called";
    const chunk = 64 * 1024;
    const chunks = Math.ceil((MAX_ENTRY_BYTES + 1) / chunk) + 1;
    const served = await drain(
      copyWhileStreaming(streamOf(chunks, chunk), keyFor("/large"), (whole) => (kept = whole)),
    );
    expect(served).toBe(chunks * chunk);
    expect(kept).toBeUndefined();
  });
});

/**
 * Copies of pages still streaming count against the isolate's budget (issue 12 item 4): 80 concurrent misses of a
 * 900 KB page once held 80 whole copies at the same time, on top of the 24 MB of kept pages.
 */
describe("copies in flight", () => {
  const PAGE = 900 * 1024;
  const CHUNK = 60 * 1024;

  /** Reads all streams a chunk at a time in turn, as concurrent responses would be, checking the budget after each. */
  async function drainTogether(streams: ReadableStream<Uint8Array>[]) {
    const readers = streams.map((stream) => stream.getReader());
    const served = readers.map(() => 0);
    let open = readers.length;
    while (open > 0) {
      open = 0;
      for (const [i, reader] of readers.entries()) {
        const read = await reader.read();
        if (read.done) continue;
        open++;
        served[i] = (served[i] ?? 0) + read.value.byteLength;
        const memory = pageCacheMemory();
        expect(memory.inFlightBytes).toBeLessThanOrEqual(MAX_IN_FLIGHT_BYTES);
        expect(memory.keptBytes + memory.inFlightBytes).toBeLessThanOrEqual(MAX_TOTAL_BYTES);
      }
    }
    return served;
  }

  it("never hold more than their share of the budget, however many pages stream at once, and every page is still served whole", async () => {
    for (let i = 0; i < 20; i++) keepPage(keyFor(`/old${i}`), page(1024 * 1024 - 1));
    const kept: Array<Uint8Array | undefined> = [];
    const streams = Array.from({ length: 80 }, (_, i) =>
      copyWhileStreaming(streamOf(PAGE / CHUNK, CHUNK), keyFor(`/p?i=${i}`), (whole) => kept.push(whole)),
    );
    const served = await drainTogether(streams);
    expect(served).toEqual(streams.map(() => PAGE));
    expect(pageCacheMemory().peakInFlightBytes).toBeLessThanOrEqual(MAX_IN_FLIGHT_BYTES);
    expect(pageCacheMemory().inFlightBytes).toBe(0);
    // Some were copied whole (those that started while there was room), the rest were served without a copy.
    expect(kept.filter((whole) => whole?.byteLength === PAGE).length).toBeGreaterThan(0);
    expect(kept.filter((whole) => whole === undefined).length).toBeGreaterThan(0);
  });

  it("takes one copy of a page and arms however many visitors are being served it at once", async () => {
    let calls = 0;
    const streams = Array.from({ length: 80 }, () =>
      copyWhileStreaming(streamOf(PAGE / CHUNK, CHUNK), keyFor("/same"), () => calls++),
    );
    const served = await drainTogether(streams);
    expect(served).toEqual(streams.map(() => PAGE));
    expect(calls).toBe(1);
    expect(pageCacheMemory().peakInFlightBytes).toBe(PAGE);
  });
});
