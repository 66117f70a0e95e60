import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { gzipSync } from "node:zlib";

/**
 * A storefront that misbehaves on purpose, on real sockets, for the end-to-end hostile-origin tests: broken and
 * compressed HTML, other encodings, huge attributes, resets, stalls and 5xx. Every page carries the `#hero h1` the
 * test rules edit, so a test can tell "personalised" from "the origin's bytes as they came".
 */
export const PAGE = `<!doctype html>
<html lang="en-GB">
<head><title>Hostile</title></head>
<body>
<section id="hero"><h1>Origin headline</h1></section>
<p class="price">£120.00</p>
</body>
</html>
`;

const HTML = "text/html; charset=utf-8";

/** The bytes each scripted route answers with, so tests can compare byte for byte. */
export const BODIES = {
  page: Buffer.from(PAGE),
  truncated: Buffer.from(PAGE.slice(0, PAGE.indexOf("Origin headline") + 6)),
  unclosed: Buffer.from(
    '<!doctype html><html><head><title>x</title><body><div><section id="hero"><h1>Origin headline<p>no end <b><i>' +
      '<a href="/x" title="unterminated attribute <!-- comment that never ends <script>var s = "<h1>";',
  ),
  hugeAttribute: Buffer.from(
    `<!doctype html><html><head><title>x</title></head><body><div data-blob="${"x".repeat(1_000_000)}"></div>` +
      '<section id="hero"><h1>Origin headline</h1></section></body></html>',
  ),
  // "£" is 0xA3 and "€" is 0x80 in windows-1252; neither is valid UTF-8 on its own.
  windows1252: Buffer.concat([
    Buffer.from(
      '<!doctype html><html><head><title>x</title></head><body><section id="hero"><h1>Origin headline',
    ),
    Buffer.from([0x20, 0xa3, 0x35, 0x20, 0x80, 0x39]),
    Buffer.from('</h1></section><p class="price">'),
    Buffer.from([0xa3, 0x31, 0x32, 0x30]),
    Buffer.from("</p></body></html>"),
  ]),
  gzipTruncated: gzipSync(PAGE).subarray(0, 40),
  gzipCorrupt: (() => {
    const bytes = Buffer.from(gzipSync(PAGE));
    bytes.fill(0xff, 20, 60);
    return bytes;
  })(),
  serverError: Buffer.from(
    '<!doctype html><html><body><section id="hero"><h1>Down</h1></section></body></html>',
  ),
  nulBytes: Buffer.from(
    `<!doctype html><html><body>\u0000<section id="hero"><h1>Origin\u0000headline</h1></section></body></html>`,
  ),
};

export interface HostileOrigin {
  url: string;
  /** How many requests each path received (the path as the origin saw it). */
  hits(path: string): number;
  close(): Promise<void>;
}

type Route = (response: import("node:http").ServerResponse, socket: Socket) => void;

function routes(self: () => string): Record<string, Route> {
  const send =
    (status: number, headers: Record<string, string>, body: Buffer) =>
    (response: import("node:http").ServerResponse) =>
      response.writeHead(status, headers).end(body);
  return {
    "/page": send(200, { "content-type": HTML }, BODIES.page),
    "/truncated": send(200, { "content-type": HTML }, BODIES.truncated),
    "/unclosed": send(200, { "content-type": HTML }, BODIES.unclosed),
    "/huge-attribute": send(200, { "content-type": HTML }, BODIES.hugeAttribute),
    "/windows-1252": send(200, { "content-type": "text/html; charset=windows-1252" }, BODIES.windows1252),
    "/nul-bytes": send(200, { "content-type": HTML }, BODIES.nulBytes),
    "/gzip-truncated": send(200, { "content-type": HTML, "content-encoding": "gzip" }, BODIES.gzipTruncated),
    "/gzip-corrupt": send(200, { "content-type": HTML, "content-encoding": "gzip" }, BODIES.gzipCorrupt),
    "/server-error": send(500, { "content-type": HTML }, BODIES.serverError),
    "/unavailable": send(503, { "content-type": HTML, "retry-after": "30" }, BODIES.serverError),
    "/reset-before-headers": (_response, socket) => socket.destroy(),
    "/reset-mid-body": (response, socket) => {
      response.writeHead(200, { "content-type": HTML, "content-length": String(BODIES.page.length) });
      response.write(BODIES.page.subarray(0, 60));
      setTimeout(() => socket.destroy(), 50);
    },
    // Never answers; the socket is destroyed when the server closes.
    "/stall": () => {},
    "/redirect-away": (response) =>
      response.writeHead(302, { location: "https://elsewhere.example/signin" }).end(),
    "/redirect-protocol-relative": (response) =>
      response.writeHead(302, { location: "//elsewhere.example/signin" }).end(),
    "/redirect-self": (response) =>
      response.writeHead(302, { location: `${self()}/page?from=redirect` }).end(),
    // An origin redirect to its own host whose path starts with "//" (see docs/security.md, finding S2).
    "/redirect-double-slash": (response) =>
      response.writeHead(302, { location: `${self()}//elsewhere.example/signin` }).end(),
    "/redirect-malformed": (response) => response.writeHead(302, { location: "http://[::1" }).end(),
  };
}

/** Starts the hostile origin on 127.0.0.1 and an ephemeral port. */
export function startHostileOrigin(): Promise<HostileOrigin> {
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let url = "";
  const table = routes(() => url);
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://origin.test").pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    // /passthrough/<route> answers like /<route>, on a path no test rule covers.
    const route = table[path.replace(/^\/passthrough(?=\/)/, "")];
    if (route) route(response, request.socket);
    else response.writeHead(404, { "content-type": "text/plain" }).end("no such route");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (!address || typeof address !== "object") return reject(new Error("no address"));
      url = `http://127.0.0.1:${address.port}`;
      resolve({
        url,
        hits: (path) => counts.get(path) ?? 0,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
