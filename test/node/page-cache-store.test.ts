import { beforeEach, describe, expect, it } from "vitest";
import {
  type CachedPage,
  cachedPage,
  clearPageCache,
  copyWhileStreaming,
  keepPage,
  MAX_ENTRY_BYTES,
  MAX_TOTAL_BYTES,
  mayHaveCachedPage,
} from "../../src/worker/page-cache.ts";

const page = (bytes: number, expiresAt = Number.MAX_SAFE_INTEGER): CachedPage => ({
  body: new Uint8Array(bytes),
  headers: [["content-type", "text/html"]],
  outcome: { matched: [true], faulted: [false] },
  expiresAt,
  keptAt: 0,
  originAge: 0,
});

const keyFor = (path: string, arms = "hero=promise@1") => `1\n${path}\n${arms}`;

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
    const served = await drain(copyWhileStreaming(streamOf(5, 1000), (whole) => (kept = whole)));
    expect(served).toBe(5000);
    expect(kept).toBeInstanceOf(Uint8Array);
    expect((kept as unknown as Uint8Array).byteLength).toBe(5000);
  });

  it("still serves a page too large to keep, and keeps nothing of it", async () => {
    let kept: Uint8Array | undefined | "not called" = "not called";
    const chunk = 64 * 1024;
    const chunks = Math.ceil((MAX_ENTRY_BYTES + 1) / chunk) + 1;
    const served = await drain(copyWhileStreaming(streamOf(chunks, chunk), (whole) => (kept = whole)));
    expect(served).toBe(chunks * chunk);
    expect(kept).toBeUndefined();
  });
});
