import { describe, expect, it } from "vitest";
import { labLegacyPage } from "../../../../demo/storefront/pages/lab.ts";
import { decodeHtml, sniffEncoding } from "../../../../src/cli/verify/decode.ts";
import type { OriginPage } from "../../../../src/cli/verify/render-arm.ts";
import { verifyPage } from "../../../../src/cli/verify/verify-page.ts";
import { compileExperiment } from "../../../../src/core/decide/compile.ts";
import type { Experiment } from "../../../../src/core/schema/experiment.ts";
import { ExperimentSchema } from "../../../../src/core/schema/experiment.ts";
import { heroExperiment } from "../../../fixtures/experiments.ts";

const HOME =
  '<!doctype html><html><head><title>t</title></head><body><section id="hero"><h1>Old</h1></section></body></html>';

function originPage(html: string | Uint8Array, contentType = "text/html; charset=utf-8"): OriginPage {
  const bytes = typeof html === "string" ? new TextEncoder().encode(html) : html;
  return {
    path: "/",
    url: "http://origin.test/",
    status: 200,
    contentType,
    headers: new Headers({ "content-type": contentType }),
    bytes,
  };
}

const compiled = (experiment: Experiment) =>
  compileExperiment(experiment, 1, { timeZone: "UTC", audiences: new Map() });

describe("verify on one page, through the worker's rewriter (lol-html in WebAssembly)", () => {
  it("a correct variant lands, the control is byte-identical, and both would log an exposure", async () => {
    const { report } = await verifyPage(
      originPage(HOME),
      compiled(heroExperiment()),
      "rules/home.json: experiments[0]",
    );
    expect(report.ok).toBe(true);
    expect(report.arms.map((arm) => [arm.arm, arm.byteIdentical, arm.exposureLogged])).toEqual([
      ["control", true, true],
      ["promise", false, true],
    ]);
    expect(report.arms[1]?.ops).toEqual([
      expect.objectContaining({
        where: "rules/home.json: experiments[0].variants[1].ops[0]",
        status: "landed",
      }),
    ]);
  });

  it("a selector the worker's parser refuses fails the arm and names the op's file and path", async () => {
    // Built without the schema: the point is what verify says however such a rule got this far.
    const experiment = {
      ...heroExperiment(),
      variants: [
        { id: "control", weight: 50, ops: [] },
        { id: "promise", weight: 50, ops: [{ op: "setText", selector: "#hero >> h1", value: "x" }] },
      ],
    } as Experiment;
    const { report } = await verifyPage(
      originPage(HOME),
      compiled(experiment),
      "rules/home.json: experiments[0]",
    );
    const promise = report.arms[1];
    expect(promise?.ok).toBe(false);
    const messages = [
      ...(promise?.faults ?? []),
      ...(promise?.ops.map((op) => `${op.where} ${op.status}`) ?? []),
    ];
    expect(messages.join("\n")).toContain("rules/home.json: experiments[0].variants[1].ops[0]");
  });
});

describe("verify on a page in a legacy encoding renders it as the worker does", () => {
  const experiment = (ops: unknown[]) =>
    ExperimentSchema.parse({
      ...heroExperiment(),
      pages: ["/**"],
      variants: [
        { id: "control", weight: 50 },
        { id: "express", weight: 50, ops },
      ],
    });

  it("a windows-1252 page named only in <meta>: each op lands, with the text a browser reads", async () => {
    const { report, arms } = await verifyPage(
      originPage(labLegacyPage(), "text/html"),
      compiled(
        experiment([
          { op: "setText", selector: "#shop", value: "Livraison express à £4.95, dès demain." },
          { op: "addClass", selector: "#delivery", value: "promo" },
          { op: "setAttribute", selector: "#delivery", name: "title", value: "Près de chez vous ア" },
          { op: "append", selector: "#main", html: "<p>Retours à 0 £</p>" },
        ]),
      ),
      "rules/lab.json: experiments[2]",
    );
    expect(report.encoding).toBe("windows-1252");
    expect(report.arms[1]?.ops.map((op) => [op.op, op.status, op.problems])).toEqual([
      ["setText", "landed", []],
      ["addClass", "landed", []],
      ["setAttribute", "landed", []],
      ["append", "landed", []],
    ]);
    expect(report.arms[1]?.unexplained).toEqual([]);
    expect(report.ok).toBe(true);
    // The served bytes are windows-1252 (à is E0, not UTF-8's C3 A0); ア, which it lacks, is a reference.
    const served = arms[1]?.bytes as Uint8Array;
    const text = new TextDecoder("windows-1252").decode(served);
    expect(text).toContain('<p id="shop">Livraison express à £4.95, dès demain.</p>');
    expect(text).toContain('<p id="delivery" class="café promo" title="Près de chez vous &#12450;">');
    expect(text).toContain("<p>Retours à 0 £</p>");
    expect(Buffer.from(served).includes(Buffer.from([0xc3, 0xa0]))).toBe(false);
  });

  it("a Shift_JIS page: text and class names a browser reads as Japanese are kept, and the op lands", async () => {
    const sjis = (text: string) => [...new Uint8Array(Buffer.from(text, "latin1"))];
    // ア 83 41, 表 95 5C (a trail byte that is ASCII's backslash), ー 81 5B.
    const japanese = [0x83, 0x41, 0x95, 0x5c, 0x81, 0x5b];
    const page = new Uint8Array([
      ...sjis(
        '<html><head><meta charset="shift_jis"><title>t</title></head><body><section id="hero" class="',
      ),
      ...japanese,
      ...sjis('"><h1>'),
      ...japanese,
      ...sjis("</h1></section></body></html>"),
    ]);
    const { report, arms } = await verifyPage(
      originPage(page, "text/html"),
      compiled(
        experiment([
          { op: "setText", selector: "#hero h1", value: "表示 ア" },
          { op: "addClass", selector: "#hero", value: "sale" },
        ]),
      ),
      "rules/home.json: experiments[0]",
    );
    expect(report.encoding).toBe("shift_jis");
    expect(report.arms[1]?.ops.map((op) => op.status)).toEqual(["landed", "landed"]);
    expect(report.ok).toBe(true);
    expect(new TextDecoder("shift_jis").decode(arms[1]?.bytes)).toContain(
      '<section id="hero" class="ア表ー sale"><h1>表示 ア</h1>',
    );
  });
});

describe("decoding a page as a browser picks its encoding", () => {
  const latin1 = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));

  it("a byte-order mark beats the Content-Type charset", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("<p>£</p>")]);
    expect(sniffEncoding(bytes, "text/html; charset=windows-1252")).toBe("utf-8");
    expect(decodeHtml(bytes, "text/html; charset=windows-1252").text).toBe("<p>£</p>");
  });

  it("the Content-Type charset beats <meta>", () => {
    expect(sniffEncoding(latin1('<meta charset="utf-8"><p>x</p>'), "text/html; charset=iso-8859-2")).toBe(
      "iso-8859-2",
    );
  });

  it("<meta charset> or http-equiv in the first 1024 bytes, when the header names none", () => {
    expect(sniffEncoding(latin1('<meta charset="windows-1252"><p>£</p>'), "text/html")).toBe("windows-1252");
    expect(
      sniffEncoding(
        latin1('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'),
        "text/html",
      ),
    ).toBe("shift_jis");
    expect(decodeHtml(latin1('<meta charset="windows-1252"><p>£ é</p>'), "text/html").text).toContain("£ é");
  });

  it("no declaration at all is windows-1252, and a <meta> claiming UTF-16 in ASCII bytes is UTF-8", () => {
    expect(sniffEncoding(latin1("<p>caf\u00e9</p>"), null)).toBe("windows-1252");
    expect(sniffEncoding(latin1('<meta charset="utf-16le">'), "text/html")).toBe("utf-8");
  });
});
