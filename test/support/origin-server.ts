import { createServer, type Server } from "node:http";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { HOME_HTML, NO_HERO_HTML } from "../fixtures/pages.ts";

/**
 * A real HTTP origin for the workerd integration tests: real sockets, real gzip and brotli, real status codes, so
 * the worker's proxying is tested the way it runs in front of a storefront.
 */
export function startFixtureOrigin(port: number): Promise<Server> {
  /** Requests per path and query for /shared/*, so tests can see whether the worker asked the origin at all. */
  const sharedHits = new Map<string, number>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://origin.test");
    const html = { "content-type": "text/html; charset=utf-8" };
    if (url.pathname.startsWith("/shared/")) {
      // A page whose caching headers the test chooses: ?cc=<Cache-Control>&vary=<Vary>&age=<Age>&cookie=1 (sets a cookie).
      const key = url.pathname + url.search;
      sharedHits.set(key, (sharedHits.get(key) ?? 0) + 1);
      const headers: Record<string, string> = { ...html, "cache-control": url.searchParams.get("cc") ?? "" };
      const vary = url.searchParams.get("vary");
      if (vary) headers.vary = vary;
      if (url.searchParams.get("cookie") === "1") headers["set-cookie"] = "shop_session=abc; Path=/";
      const age = url.searchParams.get("age");
      if (age) headers.age = age;
      // Targeted cache fields (RFC 9213 and older): ?cdn=, ?cfcdn=, ?surrogate=, ?pragma=.
      for (const [param, field] of [
        ["cdn", "cdn-cache-control"],
        ["cfcdn", "cloudflare-cdn-cache-control"],
        ["surrogate", "surrogate-control"],
        ["pragma", "pragma"],
      ] as const) {
        const value = url.searchParams.get(param);
        if (value) headers[field] = value;
      }
      // An origin that writes what the request said into a page it calls public: ?reflect=1 (Cookie and the host
      // its absolute links are built from); ?size=N pads the page to about N bytes.
      let page = HOME_HTML;
      if (url.searchParams.get("reflect") === "1") {
        const said = `<p id="reflected">cookie=${request.headers.cookie ?? ""} host=${request.headers["x-forwarded-host"] ?? ""}</p>`;
        page = page.replace("</body>", `${said}</body>`);
      }
      const size = Number(url.searchParams.get("size") ?? 0);
      if (size > page.length)
        page = page.replace("</body>", `<!--${"x".repeat(size - page.length)}--></body>`);
      response.writeHead(200, headers).end(page);
      return;
    }
    if (url.pathname.startsWith("/c/")) {
      // A category page the worker leaves untouched, with the validators and shared caching a real shop sends.
      const etag = `"${url.pathname}-v1"`;
      const validators = { etag, "last-modified": "Mon, 01 Jun 2026 00:00:00 GMT" };
      if (request.headers["if-none-match"] === etag || request.headers["if-modified-since"]) {
        response.writeHead(304, { ...validators, "cache-control": "public, max-age=60" }).end();
        return;
      }
      response
        .writeHead(200, { ...html, ...validators, "cache-control": "public, max-age=60" })
        .end(NO_HERO_HTML);
      return;
    }
    switch (url.pathname) {
      case "/__shared-hits":
        response
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify(sharedHits.get(url.searchParams.get("key") ?? "") ?? 0));
        return;
      case "/":
      case "/home":
        if (request.headers["if-none-match"] === '"home-v1"') {
          response.writeHead(304, { etag: '"home-v1"' }).end();
          return;
        }
        response
          .writeHead(200, { ...html, etag: '"home-v1"', "cache-control": "public, max-age=60" })
          .end(request.method === "HEAD" ? undefined : HOME_HTML);
        return;
      case "/gzip":
        response
          .writeHead(200, { ...html, "content-encoding": "gzip", vary: "accept-encoding" })
          .end(gzipSync(HOME_HTML));
        return;
      case "/brotli":
        response
          .writeHead(200, { ...html, "content-encoding": "br", vary: "accept-encoding" })
          .end(brotliCompressSync(Buffer.from(HOME_HTML)));
        return;
      case "/landing":
      case "/landing-b":
        response.writeHead(200, html).end(HOME_HTML);
        return;
      case "/about":
        response.writeHead(200, html).end(NO_HERO_HTML);
        return;
      case "/error":
        response.writeHead(500, html).end(HOME_HTML);
        return;
      case "/not-found":
        response.writeHead(404, html).end(HOME_HTML);
        return;
      case "/site.css":
        response.writeHead(200, { "content-type": "text/css" }).end("#hero h1 { color: green; }");
        return;
      case "/data.json":
        response.writeHead(200, { "content-type": "application/json" }).end('{"hero":"<h1>"}');
        return;
      case "/moved":
        response.writeHead(302, { location: `http://127.0.0.1:${port}/home?from=moved` }).end();
        return;
      case "/echo-headers":
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(request.headers));
        return;
      case "/echo": {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          response.writeHead(200, { "content-type": "application/json" }).end(
            JSON.stringify({
              method: request.method,
              body: Buffer.concat(chunks).toString(),
              forwardedHost: request.headers["x-forwarded-host"],
              cookie: request.headers.cookie ?? null,
            }),
          );
        });
        return;
      }
      default:
        response.writeHead(404, { "content-type": "text/plain" }).end("no such fixture");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
