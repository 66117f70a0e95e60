// Contestant (c): the origin page with a client-side A/B testing snippet of the common kind injected into <head>,
// served by a small local proxy, and a "vendor" server on another port that answers the snippet's config request
// after a delay, as a third-party testing service would.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGzip, constants as zlib } from "node:zlib";

/** How long the vendor takes to answer the snippet's request for its config and code. */
export const VENDOR_DELAY_MS = 200;
/** The snippet's failsafe: reveal the page after this long whatever happens (Google Optimize and VWO used 4 s). */
export const ANTI_FLICKER_TIMEOUT_MS = 4_000;

/**
 * Google Optimize's anti-flicker snippet, in substance (VWO's SmartCode and others work the same way): hide the
 * whole page with a class on <html>, load the vendor's script asynchronously from the vendor's host, and reveal the
 * page when the script says the changes are applied, or when the failsafe timer fires, or if the script fails.
 */
export function snippetHtml(vendorUrl: string): string {
  return `<style>.async-hide{opacity:0 !important}</style>
<script>(function(w,d,c,t,u){var h=d.documentElement,shown=false;h.className+=" "+c;
w.abReveal=function(why){if(shown)return;shown=true;h.className=h.className.replace(RegExp(" ?"+c),"");
w.__abRevealed={reason:why,at:performance.now()}};setTimeout(function(){w.abReveal("timeout")},t);
var s=d.createElement("script");s.async=true;s.src=u;s.onerror=function(){w.abReveal("error")};d.head.appendChild(s);
})(window,document,"async-hide",${ANTI_FLICKER_TIMEOUT_MS},${JSON.stringify(vendorUrl)});</script>
`;
}

/**
 * What the vendor's script does once it has its config: apply the visitor's changes as soon as the elements exist
 * (watching the DOM while the page is still being parsed), then reveal the page.
 */
export function vendorScript(selector: string, text: string): string {
  return `(function(w,d){
w.__abStarted=performance.now();
var changes=[{selector:${JSON.stringify(selector)},text:${JSON.stringify(text)}}];
function apply(){var pending=0;for(var i=0;i<changes.length;i++){var c=changes[i];if(c.done)continue;
var el=d.querySelector(c.selector);if(el){el.textContent=c.text;c.done=true}else pending++}return pending===0}
function done(){w.__abApplied=performance.now();if(w.abReveal)w.abReveal("applied")}
if(apply())return done();
var mo=new MutationObserver(function(){if(apply()){mo.disconnect();done()}});
mo.observe(d.documentElement,{childList:true,subtree:true});
d.addEventListener("DOMContentLoaded",function(){mo.disconnect();apply();done()});
})(window,document);
`;
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

function listen(server: Server): Promise<LocalServer> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** The third-party host: `/ab.js` answers after `delayMs` with the script carrying the visitor's changes. */
export function startVendor(script: string, delayMs = VENDOR_DELAY_MS): Promise<LocalServer> {
  const server = createServer((req, res) => {
    req.resume();
    if (!req.url?.startsWith("/ab.js")) {
      res.writeHead(404).end();
      return;
    }
    setTimeout(() => {
      res.writeHead(200, {
        "content-type": "application/javascript; charset=utf-8",
        "cache-control": "no-store",
        "content-length": Buffer.byteLength(script),
      });
      res.end(script);
    }, delayMs);
  });
  return listen(server);
}

const MARKERS = [Buffer.from("<title"), Buffer.from("</head")];

/**
 * Proxies the origin and injects `snippet` into HTML pages just before <title> (after the charset and viewport
 * metas, as the vendors ask: "as high in <head> as possible"). The page still streams: only the bytes up to the
 * marker are held back. HTML is fetched uncompressed and gzipped again chunk by chunk (flushing each, as the
 * origin does) when the browser accepts gzip, so the browser receives what it would from the origin; other
 * responses pass through untouched with the browser's own Accept-Encoding.
 */
export function startInjector(originUrl: string, snippet: string): Promise<LocalServer> {
  const origin = new URL(originUrl);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const acceptsGzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const headers = { ...req.headers, host: origin.host };
    const html = req.method === "GET" && /text\/html/.test(String(req.headers.accept ?? ""));
    if (html) headers["accept-encoding"] = "identity";
    const upstream = request(
      { host: origin.hostname, port: origin.port, path: req.url, method: req.method, headers },
      (response) => {
        const type = String(response.headers["content-type"] ?? "");
        if (!html || !type.startsWith("text/html") || response.headers["content-encoding"]) {
          res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(res);
          return;
        }
        const out = { ...response.headers };
        delete out["content-length"];
        delete out.etag;
        if (acceptsGzip) {
          out["content-encoding"] = "gzip";
          out.vary = "Accept-Encoding";
        }
        res.writeHead(response.statusCode ?? 200, out);
        const gzip = acceptsGzip ? createGzip() : undefined;
        gzip?.pipe(res);
        const write = (chunk: Buffer) => {
          if (!gzip) return res.write(chunk);
          gzip.write(chunk);
          gzip.flush(zlib.Z_SYNC_FLUSH);
        };
        let held: Buffer | undefined = Buffer.alloc(0);
        response.on("data", (chunk: Buffer) => {
          if (!held) return write(chunk);
          held = Buffer.concat([held, chunk]);
          const at = MARKERS.map((marker) => held?.indexOf(marker) ?? -1).find((index) => index >= 0);
          if (at !== undefined) {
            write(Buffer.concat([held.subarray(0, at), Buffer.from(snippet), held.subarray(at)]));
            held = undefined;
          } else if (held.length > 64 * 1024) {
            write(held);
            held = undefined;
          }
        });
        response.on("end", () => {
          if (held?.length) write(held);
          if (gzip) gzip.end();
          else res.end();
        });
        response.on("error", () => res.destroy());
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  };
  return listen(createServer(handle));
}
