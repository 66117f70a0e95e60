import { describe, expect, it } from "vitest";
import { decodeHtml, sniffEncoding } from "../../../../src/cli/verify/decode.ts";
import type { OriginPage } from "../../../../src/cli/verify/render-arm.ts";
import { verifyPage } from "../../../../src/cli/verify/verify-page.ts";
import { compileExperiment } from "../../../../src/core/decide/compile.ts";
import type { Experiment } from "../../../../src/core/schema/experiment.ts";
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
