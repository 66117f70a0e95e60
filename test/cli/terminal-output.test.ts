import { describe, expect, it } from "vitest";
import { hasNonPrintable } from "../../src/core/html/printable.ts";
import { runCli } from "../support/run-cli.ts";

/** The real binary escapes control characters in whatever it prints, here a file name echoed in an error (issue 12 item 7). */
describe("what the stylist binary prints", () => {
  it("shows an ESC, a BEL and a bidi override in a printed value as visible escapes, never raw", async () => {
    const hostile = "/tmp/no-such-\u001b[2J\u001b]0;pwned\u0007-\u202efile.ndjson";
    const result = await runCli(["report", "--events", hostile, "--dir", "rules"]);
    expect(result.code).not.toBe(0);
    const printed = result.stdout + result.stderr;
    expect(hasNonPrintable(printed.replaceAll("\n", ""))).toBe(false);
    expect(printed).toContain("no-such-\\u001b[2J\\u001b]0;pwned\\u0007-\\u202efile.ndjson");
  }, 60_000);
});
