import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/free-port.ts";
import { runCli } from "../support/run-cli.ts";

const SECRET = "simulate-charset-secret-0123456789";

/** "Café £5" and "Ünïcode" in windows-1252 (é E9, £ A3, Ü DC, ï EF), the charset said only in a <meta>. */
const PAGE = Buffer.concat([
  Buffer.from(
    '<html><head><meta charset="windows-1252"><title>Shop</title></head><body><h1 class="t">x</h1>\n<p>Caf',
  ),
  Buffer.from([0xe9, 0x20, 0xa3]),
  Buffer.from("5</p>\n<p>"),
  Buffer.from([0xdc, 0x6e, 0xef]),
  Buffer.from("code</p></body></html>"),
]);

/** UTF-16 (little-endian, with its BOM): the worker's rewriter cannot read it and serves it untouched. */
const UTF16_PAGE = Buffer.concat([
  Buffer.from([0xff, 0xfe]),
  Buffer.from('<html><body><h1 class="t">x</h1></body></html>', "utf16le"),
]);
/** No charset anywhere: the worker reads it as windows-1252 and writes what it inserts as character references. */
const UNDECLARED_PAGE = Buffer.concat([
  Buffer.from('<html><body><h1 class="t">x</h1><p>Caf'),
  Buffer.from([0xe9]),
  Buffer.from("</p></body></html>"),
]);

describe("simulate reads the origin page in its own encoding", { timeout: 120_000 }, () => {
  let dir: string;
  let origin: Server;
  let originPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "stylist-simulate-charset-"));
    mkdirSync(join(dir, "rules"));
    writeFileSync(
      join(dir, "rules", "charset.json"),
      JSON.stringify({
        experiments: [
          {
            id: "delivery-copy",
            hypothesis: "Naming the delivery promise in the headline lifts purchases",
            status: "running",
            pages: ["/**"],
            variants: [
              { id: "control", weight: 0 },
              { id: "copy", weight: 100, ops: [{ op: "setText", selector: "h1.t", value: "£ délivrance" }] },
            ],
            metrics: { primary: "purchase" },
          },
        ],
      }),
    );
    originPort = await freePort();
    origin = createServer((request, response) => {
      const page =
        request.url === "/utf16" ? UTF16_PAGE : request.url === "/undeclared" ? UNDECLARED_PAGE : PAGE;
      response.writeHead(200, { "content-type": "text/html" }).end(page);
    });
    await new Promise<void>((resolve) => origin.listen(originPort, "127.0.0.1", resolve));
  });
  afterAll(() => {
    origin?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const simulate = async (path: string) => {
    const result = await runCli([
      "simulate",
      "--url",
      `http://127.0.0.1:9${path}`,
      "--origin",
      `http://127.0.0.1:${originPort}`,
      "--dir",
      join(dir, "rules"),
      "--visitor",
      "0123456789abcdef0123456789abcdef",
      "--secret",
      SECRET,
      "--json",
      "--full",
    ]);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { page: { html: string; diff: string[]; faults: string[] } }).page;
  };

  it("shows an undeclared page with the inserted text as the worker writes it: character references", async () => {
    const page = await simulate("/undeclared");
    expect(page.faults).toEqual([]);
    expect(page.html).toContain('<h1 class="t">&#163; d&#233;livrance</h1><p>Café</p>');
  });

  it("serves a UTF-16 page untouched and says why, as the worker does", async () => {
    const page = await simulate("/utf16");
    expect(page.html).toContain('<h1 class="t">x</h1>');
    expect(page.faults.join("\n")).toContain("utf-16le");
  });

  it("shows a meta-declared windows-1252 page's text and the inserted text as a browser reads them", async () => {
    const page = await simulate("/");
    expect(page.faults).toEqual([]);
    expect(page.html).toContain('<h1 class="t">£ délivrance</h1>');
    expect(page.html).toContain("<p>Café £5</p>");
    expect(page.html).toContain("<p>Ünïcode</p>");
    expect(page.html).not.toContain("\uFFFD");
    // Only the edited line differs: the rest was read the same way on both sides.
    expect(page.diff.filter((line) => /^[-+]/.test(line))).toEqual([
      '- <html><head><meta charset="windows-1252"><title>Shop</title></head><body><h1 class="t">x</h1>',
      '+ <html><head><meta charset="windows-1252"><title>Shop</title></head><body><h1 class="t">£ délivrance</h1>',
    ]);
  });
});
