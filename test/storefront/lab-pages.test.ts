import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Storefront, startStorefront } from "../../demo/storefront/server.ts";

let storefront: Storefront;
beforeAll(async () => {
  storefront = await startStorefront({ port: 0 });
});
afterAll(() => storefront.close());

const get = (path: string) =>
  fetch(`${storefront.url}${path}`, { headers: { "accept-encoding": "identity" } });

describe("the storefront's lab pages: markup an edge rewriter can get wrong", () => {
  it("/lab/sizes leaves out the end tags the parser implies", async () => {
    const html = await (await get("/lab/sizes")).text();
    expect(html).toContain('<li class="size sold-out" data-size="6">UK 6 (sold out)\n<li class="size"');
    expect(html).toContain("<dt>Fit<dd>True to size\n<dt>");
    expect(html).toContain("<option>Standard<option>Wide</select>");
    const sizes = html.slice(
      html.indexOf('<ul id="sizes"'),
      html.indexOf("</ul>", html.indexOf('<ul id="sizes"')),
    );
    expect(sizes).not.toContain("</li>");
  });

  it("/lab/legacy is windows-1252 bytes with the charset named only in <meta>", async () => {
    const response = await get("/lab/legacy");
    expect(response.headers.get("content-type")).toBe("text/html");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.toString("latin1")).toContain('<meta charset="windows-1252">');
    // "£" and "é" are one byte each: 0xA3 and 0xE9, never UTF-8's two.
    expect(bytes.includes(Buffer.from([0xa3, 0x35, 0x30]))).toBe(true);
    expect(bytes.includes(Buffer.from("caf\u00e9", "latin1"))).toBe(true);
    expect(bytes.includes(Buffer.from("£", "utf8"))).toBe(false);
  });

  it("/lab/island ships its props as JSON beside the server render, and the island script", async () => {
    const html = await (await get("/lab/island")).text();
    expect(html).toContain('<section id="stock-island" class="stock-island" data-island="stock-status">');
    expect(html).toContain(
      '<script type="application/json" id="stock-island-props">{"heading":"In stock at Keswick"',
    );
    expect(html).toContain('<script src="/assets/island.js" defer></script>');
    const script = await get("/assets/island.js");
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toContain("Hydration failed");
  });
});
