import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/cli/duration.ts";
import { parseWindow } from "../../src/report/window.ts";
import { runCli } from "../support/run-cli.ts";

describe("periods on the command line", () => {
  it("read min, h, d, w, mo and y, and never take a bare m for minutes or months", () => {
    expect(parseDuration("30min")).toBe(1_800);
    expect(parseDuration("4h")).toBe(14_400);
    expect(parseDuration("400d")).toBe(400 * 86_400);
    expect(parseDuration("2w")).toBe(14 * 86_400);
    expect(parseDuration("6mo")).toBe(180 * 86_400);
    expect(parseDuration("1y")).toBe(365 * 86_400);
    expect(() => parseDuration("6m")).toThrow(/ambiguous: write 6min for minutes or 6mo for months/);
    expect(() => parseDuration("6 months")).toThrow(/not a period/);
    expect(parseWindow("30min")).toBe(1_800_000);
    expect(parseWindow("30m")).toBeUndefined();
  });

  it("prune refuses a bare m and a retention shorter than a day without --force, before touching any state", async () => {
    const ambiguous = await runCli(["prune", "--older-than", "6m"]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/"6m" is ambiguous/);
    const short = await runCli(["prune", "--older-than", "6h", "--persist-to", "/nonexistent/stylist-state"]);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/less than a day: pass --force/);
  }, 180_000);
});

describe("exit codes", () => {
  it("are 2 for every usage error: unknown command, missing argument, malformed value", async () => {
    const results = await Promise.all([
      runCli(["nosuch"]),
      runCli(["plan", "--mde", "0.1"]),
      runCli(["forget"]),
      runCli(["plan", "--baseline", "x", "--mde", "0.1"]),
    ]);
    expect(results.map((result) => result.code)).toEqual([2, 2, 2, 2]);
  }, 180_000);
});
