import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { createGzip, type Gzip, constants as zlib } from "node:zlib";
import { acceptsGzip, etagMatches } from "./negotiation.ts";
import type { Outcome, Pacing } from "./routes.ts";

// Small enough that a 100 KB page is several writes, so the proxy sees a body
// arriving in pieces the way it would from a real server-rendered origin.
const STREAM_CHUNK_BYTES = 16 * 1024;

function splitBody(body: Buffer, pacing: Pacing | undefined): Buffer[] {
  const chunks: Buffer[] = [];
  if (pacing) {
    // Byte-based splits may cut through a tag or a multi-byte character on
    // purpose: real networks do, and the proxy has to cope.
    const head = Math.max(0, Math.min(pacing.firstChunkEnd, body.length));
    chunks.push(body.subarray(0, head));
    const rest = body.length - head;
    const pieces = Math.max(1, pacing.chunks - 1);
    for (let i = 0; i < pieces; i++) {
      chunks.push(
        body.subarray(head + Math.floor((rest * i) / pieces), head + Math.floor((rest * (i + 1)) / pieces)),
      );
    }
    return chunks;
  }
  for (let offset = 0; offset < body.length; offset += STREAM_CHUNK_BYTES) {
    chunks.push(body.subarray(offset, offset + STREAM_CHUNK_BYTES));
  }
  return chunks;
}

/** Also settles on abort: a destroyed compressor never calls back. */
function flush(gzip: Gzip, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    gzip.flush(zlib.Z_SYNC_FLUSH, done);
  });
}

/** Resolves false instead of throwing when the client has gone away. */
async function survive(step: Promise<unknown>): Promise<boolean> {
  try {
    await step;
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === "AbortError") return false;
    throw error;
  }
}

async function streamBody(
  res: ServerResponse,
  chunks: Buffer[],
  gzip: boolean,
  pacing: Pacing | undefined,
): Promise<void> {
  const aborted = new AbortController();
  res.once("close", () => aborted.abort());
  const { signal } = aborted;

  const compressor = gzip ? createGzip() : undefined;
  if (compressor) {
    compressor.on("error", (error) => res.destroy(error));
    compressor.pipe(res);
    signal.addEventListener("abort", () => compressor.destroy(), { once: true });
  }
  const sink = compressor ?? res;
  const started = performance.now();

  for (let i = 0; i < chunks.length; i++) {
    if (i > 0) {
      // Scheduled against the start time so timer drift does not accumulate.
      const due = pacing ? started + (pacing.totalMs * i) / (chunks.length - 1) : 0;
      const wait = pacing
        ? sleep(Math.max(0, due - performance.now()), undefined, { signal })
        : nextTurn(undefined, { signal });
      if (!(await survive(wait))) return;
    }
    if (signal.aborted) return;
    const drained = sink.write(chunks[i]);
    // Paced output must leave the compressor at each step or the delay is invisible.
    if (compressor && pacing) await flush(compressor, signal);
    if (!drained && !(await survive(once(sink, "drain", { signal })))) return;
  }
  sink.end();
}

export async function respond(req: IncomingMessage, res: ServerResponse, outcome: Outcome): Promise<void> {
  const rep = outcome.representation;
  res.setHeader("Content-Type", rep.contentType);
  res.setHeader("Cache-Control", rep.cacheControl);
  res.setHeader("X-Content-Type-Options", "nosniff");
  if (rep.compressible) res.setHeader("Vary", "Accept-Encoding");
  if (rep.etag) res.setHeader("ETag", rep.etag);
  for (const [name, value] of Object.entries(rep.headers ?? {})) res.setHeader(name, value);

  if (rep.etag && etagMatches(req.headers["if-none-match"], rep.etag)) {
    res.removeHeader("Content-Type");
    res.writeHead(304).end();
    return;
  }

  const gzip = rep.compressible && rep.body.length > 0 && acceptsGzip(req.headers["accept-encoding"]);
  if (gzip) res.setHeader("Content-Encoding", "gzip");
  else if (rep.declareLength || rep.body.length === 0) res.setHeader("Content-Length", rep.body.length);
  res.writeHead(rep.status);

  if (req.method === "HEAD" || rep.body.length === 0) {
    res.end();
    return;
  }
  await streamBody(res, splitBody(rep.body, outcome.pacing), gzip, outcome.pacing);
}
