import { Agent, request } from "node:http";

export interface Timed {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Milliseconds from sending the request to the response headers. */
  headersMs: number;
  /** … to the first byte of the body: when a browser could start parsing the page. */
  firstByteMs: number;
  /** … to the last byte of the body. */
  totalMs: number;
}

/**
 * One GET timed with node:http on a keep-alive agent, so connection set-up is paid once per contestant and not in
 * every sample, and no fetch-layer buffering sits between the socket and the clock.
 */
export function timedGet(agent: Agent, url: string, headers: Record<string, string>): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { agent, headers }, (res) => {
      const headersMs = performance.now() - started;
      let firstByteMs = Number.NaN;
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => {
        if (chunks.length === 0) firstByteMs = performance.now() - started;
        chunks.push(chunk);
      });
      res.on("end", () => {
        const totalMs = performance.now() - started;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          headersMs,
          firstByteMs: Number.isNaN(firstByteMs) ? totalMs : firstByteMs,
          totalMs,
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1 });
}
