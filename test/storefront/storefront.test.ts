import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categories, products, productsIn } from "../../demo/storefront/catalogue/index.ts";
import { productPage } from "../../demo/storefront/pages/product.ts";
import { type Storefront, startStorefront } from "../../demo/storefront/server.ts";

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Milliseconds from request start to each body chunk. */
  arrivals: number[];
  chunks: Buffer[];
}

// node:http rather than fetch: fetch decodes gzip transparently, and these
// tests need to see exactly what the origin puts on the wire.
function request(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const { hostname, port } = new URL(base);
    // `path` is sent verbatim (not resolved as a URL) so odd targets like "//x" reach the server.
    const req = httpRequest(
      { hostname, port, path, method: options.method ?? "GET", headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        const arrivals: number[] = [];
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          arrivals.push(performance.now() - started);
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            arrivals,
            chunks,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const PRODUCT = "skarn-fellrunner-6";
const CARD =
  /<article class="product-card" data-product="([a-z0-9-]+)"><a href="\/products\/\1"><img [^>]*\bwidth="\d+" height="\d+" alt="[^"]+"[^>]*><\/a><h3>[^<]+<\/h3><p class="price">£\d{1,3}(?:,\d{3})*\.\d{2}<\/p><\/article>/g;

function cardsIn(html: string): { total: number; wellFormed: string[] } {
  const total = html.match(/<article class="product-card"/g)?.length ?? 0;
  const wellFormed = [...html.matchAll(CARD)].map((match) => match[1] as string);
  return { total, wellFormed };
}

function countTag(html: string, tag: string): { open: number; close: number } {
  return {
    open: html.match(new RegExp(`<${tag}[\\s>]`, "g"))?.length ?? 0,
    close: html.match(new RegExp(`</${tag}>`, "g"))?.length ?? 0,
  };
}

describe("demo storefront origin", () => {
  let storefront: Storefront;
  let base: string;
  const get = (path: string, headers?: Record<string, string>) => request(base, path, { headers });

  beforeAll(async () => {
    storefront = await startStorefront({ port: 0, host: "127.0.0.1" });
    base = storefront.url;
  });

  afterAll(async () => {
    await storefront?.close();
  });

  it("serves the home page with the hooks the sample experiments target", async () => {
    const res = await get("/");
    const html = res.body.toString("utf8");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("public, max-age=60");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<link rel="stylesheet" href="/assets/site.css">');
    expect(html).toContain('src="/assets/logo.svg"');
    expect(html).toContain('<span id="basket-count">3</span>');

    const hero = html.match(/<section id="hero">([\s\S]*?)<\/section>/)?.[1] ?? "";
    expect(hero).toContain("<h1>Gear for every fell and fjord</h1>");
    expect(hero).toMatch(/<p class="hero-intro">[^<]+<\/p>/);
    expect(hero).toContain('<a class="cta" href="/category/trail-running">Shop trail running</a>');

    const usp = html.match(/<section id="usp-bar"[^>]*>([\s\S]*?)<\/section>/)?.[1] ?? "";
    const usps = [...usp.matchAll(/<li>([^<]+)<\/li>/g)].map((match) => match[1]);
    expect(usps).toHaveLength(3);
    expect(usps[0]).toMatch(/free UK delivery.*£50/i);
    expect(usps[1]).toMatch(/100-day returns/i);
    expect(usps[2]).toMatch(/carbon-neutral shipping/i);

    const featured = html.match(/<section id="featured"[^>]*>([\s\S]*?)<\/section>/)?.[1] ?? "";
    expect(cardsIn(featured).wellFormed.length).toBeGreaterThanOrEqual(4);
  });

  it("has 4+ categories of 12+ products and 30+ products in all", async () => {
    expect(categories.length).toBeGreaterThanOrEqual(4);
    expect(products.length).toBeGreaterThanOrEqual(30);
    for (const slug of ["trail-running", "hiking-boots", "waterproofs", "camping"]) {
      const res = await get(`/category/${slug}`);
      expect(res.status).toBe(200);
      const cards = cardsIn(res.body.toString("utf8"));
      expect(cards.total).toBe(productsIn(slug).length);
      expect(cards.wellFormed.length).toBeGreaterThanOrEqual(12);
    }
  });

  it("serves every product page at 100 KB or more, with the documented hooks", async () => {
    for (const product of products) {
      const res = await get(`/products/${product.slug}`);
      expect(res.status, product.slug).toBe(200);
      expect(res.body.length, product.slug).toBeGreaterThanOrEqual(100 * 1024);
    }
    const html = (await get(`/products/${PRODUCT}`)).body.toString("utf8");
    expect(html).toContain('<h1 id="product-title">Fellrunner 6 Trail Shoe</h1>');
    expect(html).toContain('<p class="price">£135.00</p>');
    expect(html).toContain('<button id="add-to-basket">');
    expect(html).toContain('<section id="delivery-info">');
    expect(html).toContain('<table class="spec-table">');
    expect(html).toContain('<section id="gallery"');
    expect(html.match(/<li class="review" /g)?.length ?? 0).toBeGreaterThanOrEqual(20);
    const related = html.match(/<section id="related-products"[^>]*>([\s\S]*?)<\/section>/)?.[1] ?? "";
    expect(cardsIn(related).wellFormed.length).toBeGreaterThanOrEqual(4);
    for (const tag of ["section", "div", "article", "ul", "ol", "li", "table", "form", "script"]) {
      const { open, close } = countTag(html, tag);
      expect(open, `<${tag}> balance`).toBe(close);
    }
  });

  it("renders product pages byte-identically across requests and renders", async () => {
    const first = await get(`/products/${PRODUCT}`);
    const second = await get(`/products/${PRODUCT}`);
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers.etag).toBe(first.headers.etag);
    // The server memoises pages, so also prove a fresh render is the same bytes.
    const product = products.find((p) => p.slug === PRODUCT);
    expect(product).toBeDefined();
    expect(Buffer.from(productPage(product as (typeof products)[number])).equals(first.body)).toBe(true);
  });

  it("streams pages in several chunks without Content-Length", async () => {
    const res = await get(`/products/${PRODUCT}`);
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    expect(res.headers["content-length"]).toBeUndefined();
    expect(res.chunks.length).toBeGreaterThan(1);
  });

  it("serves gzip when asked and identity otherwise, with the same decoded bytes", async () => {
    for (const path of [
      "/",
      `/products/${PRODUCT}`,
      "/assets/site.css",
      "/assets/logo.svg",
      `/api/stock/${PRODUCT}`,
    ]) {
      const plain = await get(path);
      const gzipped = await get(path, { "Accept-Encoding": "gzip, deflate, br" });
      expect(plain.headers["content-encoding"], path).toBeUndefined();
      expect(gzipped.headers["content-encoding"], path).toBe("gzip");
      expect(gzipped.headers.vary, path).toBe("Accept-Encoding");
      expect(plain.headers.vary, path).toBe("Accept-Encoding");
      if (plain.body.length > 1024) expect(gzipped.body.length, path).toBeLessThan(plain.body.length);
      expect(gunzipSync(gzipped.body).equals(plain.body), path).toBe(true);
      expect(gzipped.headers.etag, path).toBe(plain.headers.etag);
    }
    const refused = await get("/", { "Accept-Encoding": "gzip;q=0, deflate" });
    expect(refused.headers["content-encoding"]).toBeUndefined();
  });

  it("answers If-None-Match with 304 and no body", async () => {
    const first = await get(`/products/${PRODUCT}`);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[^"]+"$/);
    for (const candidate of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const res = await get(`/products/${PRODUCT}`, {
        "If-None-Match": candidate,
        "Accept-Encoding": "gzip",
      });
      expect(res.status, candidate).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
      expect(res.headers["cache-control"]).toBe("public, max-age=60");
    }
    const stale = await get(`/products/${PRODUCT}`, { "If-None-Match": '"stale"' });
    expect(stale.status).toBe(200);
  });

  it("answers HEAD with the GET headers and no body", async () => {
    const got = await get("/assets/site.css");
    const head = await request(base, "/assets/site.css", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers.etag).toBe(got.headers.etag);
    expect(head.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(head.headers["content-length"]).toBe(String(got.body.length));

    const page = await request(base, `/products/${PRODUCT}`, {
      method: "HEAD",
      headers: { "Accept-Encoding": "gzip" },
    });
    expect(page.status).toBe(200);
    expect(page.body.length).toBe(0);
    expect(page.headers["content-encoding"]).toBe("gzip");
  });

  it("returns HTML 404s for unknown products, categories and paths", async () => {
    for (const path of [
      "/products/no-such-thing",
      "/category/no-such-thing",
      "/nope",
      "//products/x",
      "/products/UPPER",
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers["content-type"], path).toBe("text/html; charset=utf-8");
      expect(res.headers.etag, path).toBeUndefined();
      expect(res.body.toString("utf8"), path).toContain("<!doctype html>");
    }
    expect((await get("/api/stock/no-such-thing")).status).toBe(404);
    expect((await get("/assets/product/no-such-thing.svg")).status).toBe(404);
  });

  it('marks every product card price, site-wide, with class "price"', async () => {
    const paths = [
      "/",
      "/basket",
      "/checkout/complete",
      "/products/no-such-thing",
      ...categories.map((category) => `/category/${category.slug}`),
      ...products.map((product) => `/products/${product.slug}`),
    ];
    let cards = 0;
    for (const path of paths) {
      const { total, wellFormed } = cardsIn((await get(path)).body.toString("utf8"));
      expect(wellFormed.length, path).toBe(total);
      cards += total;
    }
    expect(cards).toBeGreaterThan(300);
  });

  it("escapes interpolated catalogue text", async () => {
    const html = (await get("/products/tarn-tor-trail-shorts")).body.toString("utf8");
    expect(html).toContain("Tarn &amp; Tor");
    expect(html).toContain('<h1 id="product-title">Trail Shorts 5&quot;</h1>');
    expect(html).not.toContain("Tarn & Tor");
    expect(html).not.toMatch(/<\/script>[\s\S]*<\/script>[\s\S]*<\/script>[\s\S]*<\/script>/);
  });

  it("serves the basket, checkout, assets, stock API and health check", async () => {
    const posted = await request(base, "/basket", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `product=${PRODUCT}&size=8`,
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe("/basket");

    const basket = await get("/basket");
    expect(basket.status).toBe(200);
    expect(basket.body.toString("utf8")).toContain('data-product="skarn-fellrunner-6"');

    const done = (await get("/checkout/complete")).body.toString("utf8");
    expect(done).toMatch(/<h1 id="order-confirmed">[^<]+<\/h1>/);
    expect(done).toMatch(/<strong id="order-number">FS-\d{6}-\d{2}<\/strong>/);

    const css = await get("/assets/site.css");
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(css.headers["cache-control"]).toBe("public, max-age=86400");
    expect((await get("/assets/logo.svg")).headers["content-type"]).toBe("image/svg+xml");
    const image = await get(`/assets/product/${PRODUCT}.svg`);
    expect(image.headers["content-type"]).toBe("image/svg+xml");
    expect(image.body.toString("utf8")).toContain("<svg");

    const stock = await get(`/api/stock/${PRODUCT}`);
    expect(stock.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(stock.body.toString("utf8"))).toEqual({ slug: PRODUCT, inStock: true });

    const health = await get("/healthz");
    expect(health.status).toBe(200);
    expect(health.body.toString("utf8")).toBe("ok");

    const deleted = await request(base, "/", { method: "DELETE" });
    expect(deleted.status).toBe(405);
    expect(deleted.headers.allow).toBe("GET, HEAD");
  });

  it("paces /slow/products over ?ms= with the head sent first", async () => {
    const normal = await get(`/products/${PRODUCT}`);
    for (const encoding of ["identity", "gzip"]) {
      const res = await get(`/slow/products/${PRODUCT}?ms=400`, { "Accept-Encoding": encoding });
      const body = encoding === "gzip" ? gunzipSync(res.body) : res.body;
      expect(res.status).toBe(200);
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(body.equals(normal.body), encoding).toBe(true);
      expect(res.arrivals[0] ?? Number.POSITIVE_INFINITY, encoding).toBeLessThan(200);
      expect(res.arrivals.at(-1) ?? 0, encoding).toBeGreaterThanOrEqual(380);
      if (encoding === "identity") {
        expect(res.chunks[0]?.toString("utf8")).toMatch(/^<!doctype html>[\s\S]*<\/head>$/);
        expect(res.chunks.length).toBeGreaterThanOrEqual(8);
      }
    }
    expect((await get(`/slow/products/${PRODUCT}?ms=soon`)).status).toBe(400);
    expect((await get("/slow/products/no-such-thing")).status).toBe(404);
  });
});
