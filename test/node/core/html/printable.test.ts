import { Console } from "node:console";
import { Writable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeTerminalOutput } from "../../../../src/cli/output.ts";
import {
  escapeNonPrintable,
  hasNonPrintable,
  withoutNonPrintable,
} from "../../../../src/core/html/printable.ts";
import { BrowserEventSchema, ServerEventSchema } from "../../../../src/core/schema/beacon.ts";
import { EventSchema } from "../../../../src/core/schema/event.ts";
import { conversion, exposure } from "../../../support/report-events.ts";

/**
 * Terminal injection (issue 12 item 7): a visitor's order id, path or UTM value carrying ESC, BEL, NUL or a bidi
 * override is refused where events enter, and anything non-printable is escaped wherever the CLI prints.
 */
const HOSTILE = [
  ["ESC (a terminal escape sequence)", "\u001b[2J\u001b]0;pwned\u0007"],
  ["BEL", "FS-1\u0007"],
  ["NUL", "FS\u00001"],
  ["CR (rewrites the line)", "FS-1\rFS-2"],
  ["a C1 control (CSI)", "FS\u009b2J"],
  ["DEL", "FS\u007f"],
  ["a right-to-left override", "FS-1\u202e2-SF"],
  ["a bidi isolate", "\u2066FS-1\u2069"],
  ["a zero-width space", "FS\u200b-1"],
  ["a line separator", "FS\u2028-1"],
  ["a lone surrogate", "FS\ud800-1"],
] as const;

const anyText = fc.string({ unit: "binary", maxLength: 60 });

describe("refusing control characters where events enter", () => {
  it.each(HOSTILE)(
    "refuses %s in a browser's order id, a server's order id and path, and the stored event",
    (_n, bad) => {
      expect(BrowserEventSchema.safeParse({ goal: "purchase", orderId: bad }).success).toBe(false);
      const server = { visitor: "a".repeat(32), goal: "purchase", orderId: "FS-1" };
      expect(ServerEventSchema.safeParse({ ...server, orderId: bad }).success).toBe(false);
      expect(ServerEventSchema.safeParse({ ...server, path: `/${bad}` }).success).toBe(false);
      expect(EventSchema.safeParse(conversion("v", 1, { orderId: bad })).success).toBe(false);
      expect(EventSchema.safeParse(exposure("v", "control", 0, { path: `/${bad}` })).success).toBe(false);
      expect(EventSchema.safeParse(exposure("v", "control", 0, { source: bad })).success).toBe(false);
    },
  );

  it("still accepts ordinary order ids and paths, accents and emoji included", () => {
    for (const orderId of ["FS-1043", "ORD/2026/0001", "Commande n°12", "🎒-7"]) {
      expect(BrowserEventSchema.safeParse({ goal: "purchase", orderId }).success).toBe(true);
    }
  });
});

describe("escaping what the CLI prints", () => {
  it("leaves nothing non-printable but line breaks and tabs, for any text", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const escaped = escapeNonPrintable(text);
        expect(hasNonPrintable(escaped.replace(/\r\n|[\n\t]/g, ""))).toBe(false);
        expect(withoutNonPrintable(escaped.replace(/\r\n|[\n\t]/g, ""))).toBe(
          escaped.replace(/\r\n|[\n\t]/g, ""),
        );
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it("changes nothing in printable text, and keeps JSON output the same JSON", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const json = JSON.stringify({ orderId: text, nested: [text] });
        expect(JSON.parse(escapeNonPrintable(json))).toEqual(JSON.parse(json));
        if (!hasNonPrintable(text)) expect(escapeNonPrintable(text)).toBe(text);
      }),
      { seed: 8, numRuns: 500 },
    );
  });

  it("writes every line a command prints through the escape, stdout and stderr alike", () => {
    let written = "";
    const stream = new Writable({
      write(chunk, _encoding, done) {
        written += String(chunk);
        done();
      },
    }) as unknown as NodeJS.WriteStream;
    escapeTerminalOutput(stream);
    const printer = new Console(stream);
    for (const [, bad] of HOSTILE) printer.log(`order ${bad}`);
    expect(hasNonPrintable(written.replaceAll("\n", ""))).toBe(false);
    expect(written).toContain("order \\u001b[2J\\u001b]0;pwned\\u0007");
    expect(written).toContain("FS-1\\u202e2-SF");
  });
});
