import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { legacyEncoder } from "../../../src/cli/legacy-encoder.ts";
import { wasmRewriterFactory } from "../../../src/cli/wasm-rewriter.ts";
import type { Op } from "../../../src/core/schema/ops.ts";
import { type RenderedOps, renderOps } from "../../fixtures/render-ops.ts";
import { startWorkerdRenderer, type WorkerdRenderer } from "../../support/workerd-render.ts";

/**
 * `stylist verify` and `simulate` render with lol-html compiled to WebAssembly, which reads every page as UTF-8;
 * the deployed worker renders with workerd's HTMLRewriter, told the page's encoding. The same pages and ops go
 * through both here (the worker's own render code on each engine) and must come out byte for byte alike, so what
 * verify reports of a windows-1252 or Shift_JIS page is what the worker sends.
 */
let workerd: WorkerdRenderer;
beforeAll(async () => {
  workerd = await startWorkerdRenderer();
});
afterAll(async () => {
  await workerd?.stop();
});

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(
    parts.flatMap((part) => (typeof part === "string" ? [...Buffer.from(part, "latin1")] : part)),
  );

// "Café £5" with a class `café`, in windows-1252 / ISO-8859-15 (é E9, £ A3; ISO-8859-15 has € at A4).
const LATIN_BODY = (charsetMeta: string) =>
  bytes(
    `<html><head>${charsetMeta}<title>Shop</title></head><body>`,
    '<h1 class="t caf\xe9" title="\xa3 5">Old \xe9</h1>',
    '<p class="t">Caf\xe9 \xa35 \xa4</p><ul><li class="s">one<li class="s">two</ul>',
    '<b class="r"><p>kept caf\xe9<!-- caf\xe9 --></b></body></html>',
  );
// Shift_JIS: ア 83 41, 表 95 5C and ソ 83 5C (trail byte 0x5C, the backslash), ー 81 5B.
const SJIS_TEXT = [0x83, 0x41, 0x95, 0x5c, 0x83, 0x5c, 0x81, 0x5b];
const SHIFT_JIS = bytes(
  '<html><head><meta charset="shift_jis"><title>',
  SJIS_TEXT,
  '</title></head><body><h1 class="t ',
  SJIS_TEXT,
  '" title="',
  SJIS_TEXT,
  '">',
  SJIS_TEXT,
  '</h1><p class="t">',
  SJIS_TEXT,
  '</p><ul><li class="s">one<li class="s">two</ul><b class="r"><p>',
  SJIS_TEXT,
  "</b></body></html>",
);
// "Café" in UTF-8 after a UTF-8 BOM: browsers follow the BOM over a windows-1252 header.
const BOM_UTF8 = bytes(
  [0xef, 0xbb, 0xbf],
  '<html><head><title>Shop</title></head><body><h1 class="t caf',
  [0xc3, 0xa9],
  '" title="x">Caf',
  [0xc3, 0xa9],
  '</h1><p class="t">x</p><ul><li class="s">one<li class="s">two</ul><b class="r"><p>kept</b></body></html>',
);

const PAGES: Array<{ name: string; page: Uint8Array; contentType: string }> = [
  {
    name: "windows-1252 named only in a <meta>",
    page: LATIN_BODY('<meta charset="windows-1252">'),
    contentType: "text/html",
  },
  {
    name: "ISO-8859-15 named only in the header",
    page: LATIN_BODY(""),
    contentType: "text/html; charset=ISO-8859-15",
  },
  {
    name: "Shift_JIS with non-ASCII text and class names",
    page: SHIFT_JIS,
    contentType: "text/html",
  },
  {
    name: "a UTF-8 BOM under a windows-1252 header",
    page: BOM_UTF8,
    contentType: "text/html; charset=windows-1252",
  },
  { name: "an undeclared page", page: LATIN_BODY(""), contentType: "text/html" },
];

const OPS: Array<[string, Op[]]> = [
  ["setText", [{ op: "setText", selector: "h1.t", value: "£ délivrance ア \"q' & <b>" }]],
  ["addClass (next to a non-ASCII class)", [{ op: "addClass", selector: "h1.t", value: "sale" }]],
  ["removeClass", [{ op: "removeClass", selector: "h1.t", value: "t" }]],
  [
    "setAttribute",
    [{ op: "setAttribute", selector: "h1.t", name: "title", value: '£ d"élivrance ア &amp;' }],
  ],
  ["removeAttribute", [{ op: "removeAttribute", selector: "h1.t", name: "title" }]],
  ["append", [{ op: "append", selector: "p.t", html: "<b>£ délivrance ア</b>" }]],
  ["prepend", [{ op: "prepend", selector: "p.t", html: "<i>€ ア</i>" }]],
  ["insertBefore/After", [{ op: "insertAfter", selector: "p.t", html: "<hr title='é'>" }]],
  ["setHtml", [{ op: "setHtml", selector: "h1.t", html: "<em>£ délivrance</em> ア" }]],
  ["replace", [{ op: "replace", selector: "p.t", html: "<div>£ délivrance ア</div>" }]],
  ["remove", [{ op: "remove", selector: "h1.t" }]],
  ["remove an item whose end tag is implied", [{ op: "remove", selector: "li.s" }]],
  ["a content edit skipped and written back", [{ op: "setText", selector: "b.r", value: "é" }]],
  ["addStyle", [{ op: "addStyle", css: ".t::after { content: '£ délivrance ア' }" }]],
];

function expectSameRender(worker: RenderedOps, wasm: RenderedOps) {
  expect(Buffer.from(wasm.bytes).toString("latin1")).toBe(Buffer.from(worker.bytes).toString("latin1"));
  expect(wasm.faults).toEqual(worker.faults);
  expect({ matched: wasm.matched, faulted: wasm.faulted }).toEqual({
    matched: worker.matched,
    faulted: worker.faulted,
  });
}

describe("the WebAssembly rewriter renders legacy-charset pages byte for byte as workerd's HTMLRewriter", () => {
  for (const { name, page, contentType } of PAGES)
    describe(name, () => {
      it.each(OPS)("%s", async (_op, ops) => {
        const worker = await workerd.render(page, contentType, ops);
        // Not only the same: the op did something on the page (a render left untouched would agree trivially).
        if (ops[0]?.op !== "setText" || ops[0].selector !== "b.r")
          expect(Buffer.compare(Buffer.from(worker.bytes), Buffer.from(page))).not.toBe(0);
        expectSameRender(worker, await renderOps(page, contentType, ops, wasmRewriterFactory));
      });

      it("also when the page arrives in 7-byte pieces that split characters", async () => {
        const ops: Op[] = [
          { op: "setText", selector: "b.r", value: "é" },
          { op: "setAttribute", selector: "h1.t", name: "data-x", value: "ア é" },
          { op: "append", selector: "p.t", html: "ア £" },
        ];
        expectSameRender(
          await workerd.render(page, contentType, ops, 7),
          await renderOps(page, contentType, ops, wasmRewriterFactory, 7),
        );
      });
    });

  it("writes what a browser reads: the inserted text and the page's own text in the page's encoding", async () => {
    const ops: Op[] = [{ op: "setText", selector: "h1.t", value: "£ délivrance ア" }];
    const { bytes: out } = await renderOps(
      LATIN_BODY('<meta charset="windows-1252">'),
      "text/html",
      ops,
      wasmRewriterFactory,
    );
    const text = new TextDecoder("windows-1252").decode(out);
    expect(text).toContain('<h1 class="t café" title="£ 5">£ délivrance &#12450;</h1>');
    expect(text).toContain("Café £5");
    const sjis = await renderOps(SHIFT_JIS, "text/html", ops, wasmRewriterFactory);
    // Shift_JIS has no £ or é (its ￡ is another character): they go out as character references.
    expect(new TextDecoder("shift_jis").decode(sjis.bytes)).toContain(
      '<h1 class="t ア表ソー" title="ア表ソー">&#163; d&#233;livrance ア</h1>',
    );
  });
});

describe("pages the worker's rewriter cannot read are served untouched by both, with the same fault", () => {
  it.each([
    ["an unknown charset in the header", LATIN_BODY(""), "text/html; charset=x-no-such-charset"],
    [
      "UTF-16 named by its BOM",
      Uint8Array.from([0xff, 0xfe, ...Buffer.from('<h1 class="t">x</h1>', "utf16le")]),
      "text/html",
    ],
    [
      "UTF-16 named in the header",
      Uint8Array.from(Buffer.from('<h1 class="t">x</h1>', "utf16le")),
      "text/html; charset=utf-16le",
    ],
  ])("%s", async (_name, page, contentType) => {
    const ops: Op[] = [{ op: "setText", selector: "h1.t", value: "£" }];
    const worker = await workerd.render(page, contentType, ops);
    expect(Buffer.from(worker.bytes).equals(Buffer.from(page))).toBe(true);
    expect(worker.faulted).toBe(true);
    expectSameRender(worker, await renderOps(page, contentType, ops, wasmRewriterFactory));
  });
});

describe("selectors with non-ASCII attribute values match what workerd's engine matches", () => {
  const SELECTORS = [
    '[title="£ 5"]',
    '[title="ア表"]',
    '[title^="ア"]',
    '[title*="表"]',
    '[title="€"]',
    '[title="\\30a2\\8868"]',
    '[title="\\20AC"]',
    '[title="\\a3  5"]',
  ];
  const pages = [
    bytes(
      '<html><head><meta charset="windows-1252"></head><body><h1 title="\xa3 5">x</h1><h2 title="\x80">y</h2>',
    ),
    bytes(
      '<html><head><meta charset="shift_jis"></head><body><h1 title="',
      [0x83, 0x41, 0x95, 0x5c],
      '">x</h1>',
    ),
    bytes('<html><body><h1 title="\xa3 5">x</h1><h2 title="\x80">y</h2></body></html>'),
  ];
  it.each(SELECTORS)("%s", async (selector) => {
    let hits = 0;
    for (const page of pages) {
      const ops: Op[] = [{ op: "addClass", selector, value: "hit" }];
      const worker = await workerd.render(page, "text/html", ops);
      if (worker.matched) hits++;
      expectSameRender(worker, await renderOps(page, "text/html", ops, wasmRewriterFactory));
    }
    // Each selector matches on one of the pages: agreeing that nothing matches would prove nothing.
    expect(hits).toBeGreaterThan(0);
  });
});

/**
 * Every encoding the worker hands its rewriter besides UTF-8 (UTF-16, ISO-2022-JP and the replacement encoding are
 * served untouched): the WHATWG standard's single-byte encodings and its ASCII-compatible multi-byte ones.
 */
const ENCODINGS = [
  "ibm866",
  ...[2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16].map((n) => `iso-8859-${n}`),
  "iso-8859-8-i",
  "koi8-r",
  "koi8-u",
  "macintosh",
  "windows-874",
  ...[1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258].map((n) => `windows-${n}`),
  "x-mac-cyrillic",
  "x-user-defined",
  "shift_jis",
  "euc-jp",
  "gbk",
  "gb18030",
  "big5",
  "euc-kr",
];

describe("any text in any legacy encoding (generated)", () => {
  it("comes out of both engines byte for byte alike", async () => {
    const text = fc.string({ unit: "grapheme", maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENCODINGS),
        text,
        text,
        text,
        // Raw bytes, valid in the encoding or not, that the renderer reads and writes back.
        fc.array(fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0x40, 0x5c, 0x61, 0x20)), {
          maxLength: 8,
        }),
        fc.integer({ min: 0, max: 9 }),
        // Named in a <meta> or in the header (a <meta> cannot name x-user-defined: browsers read windows-1252 then).
        fc.boolean(),
        async (encoding, pageText, inserted, attribute, raw, chunkBytes, inHeader) => {
          const header = inHeader || encoding === "x-user-defined";
          const contentType = header ? `text/html; charset=${encoding}` : "text/html";
          const { encode } = legacyEncoder(encoding);
          const page = bytes(
            `<html><head>${header ? "" : `<meta charset="${encoding}">`}</head><body><h1 class="t" title="`,
            [...encode(pageText.replaceAll('"', ""))],
            '">',
            [...encode(pageText.replace(/[<&]/g, ""))],
            '</h1><b class="r" title="',
            raw,
            '"><p>',
            [...encode(pageText.replace(/[<&]/g, ""))],
            raw,
            "</b></body></html>",
          );
          const ops: Op[] = [
            { op: "setText", selector: "h1.t", value: inserted },
            { op: "setAttribute", selector: "h1.t", name: "data-x", value: attribute },
            { op: "append", selector: "body", html: `<p>${inserted.replace(/[<&]/g, "")}</p>` },
            { op: "setText", selector: "b.r", value: inserted },
            { op: "addClass", selector: "b.r", value: "x" },
            // The page's own title as an attribute selector: workerd encodes it into the page's encoding to match.
            {
              op: "addClass",
              selector: `h1[title="${pageText.replace(/["\\]|\p{Cc}/gu, "")}"]`,
              value: "y",
            },
          ];
          expectSameRender(
            await workerd.render(page, contentType, ops, chunkBytes),
            await renderOps(page, contentType, ops, wasmRewriterFactory, chunkBytes),
          );
        },
      ),
      { numRuns: 400 },
    );
  });
});
