import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { respond } from "./respond.ts";
import { route } from "./routes.ts";

export interface StorefrontOptions {
  /** 0 picks a free port, which is what tests should use. Default 8788. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface Storefront {
  /** Origin without a trailing slash, e.g. "http://127.0.0.1:8788". */
  url: string;
  port: number;
  close(): Promise<void>;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  // No route reads a request body; draining it keeps keep-alive connections usable.
  req.resume();
  try {
    await respond(req, res, route(req.method ?? "GET", req.url ?? "/"));
  } catch (error) {
    if (res.headersSent) {
      res.destroy(error instanceof Error ? error : undefined);
      return;
    }
    res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
    res.end("Internal Server Error\n");
    console.error(error);
  }
}

export function startStorefront(options: StorefrontOptions = {}): Promise<Storefront> {
  const port = options.port ?? 8788;
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    void handle(req, res);
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${hostPart}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // Keep-alive sockets and paced (/slow) responses would otherwise hold close() open.
            server.closeAllConnections();
          }),
      });
    });
  });
}
