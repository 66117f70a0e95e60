import { describe, expect, it } from "vitest";
import { parseOriginHeaders } from "../../../src/worker/origin-headers.ts";

describe("parseOriginHeaders", () => {
  it("reads one `Name: value` per line, names lower-cased, values trimmed, blank lines ignored", () => {
    expect(parseOriginHeaders("X-Secret:  a b \n\n  CF-Access-Client-Id: id.access\r\n")).toEqual({
      headers: [
        ["x-secret", "a b"],
        ["cf-access-client-id", "id.access"],
      ],
      invalidLines: [],
    });
  });

  it("keeps a colon inside the value", () => {
    expect(parseOriginHeaders("Authorization: Basic dXNlcjpwYXNz:x").headers).toEqual([
      ["authorization", "Basic dXNlcjpwYXNz:x"],
    ]);
  });

  it("refuses, by line number, a line with no name, a name that is not an HTTP token, an empty value or a control character", () => {
    const parsed = parseOriginHeaders(": v\nBad Name: v\nX-Empty:\nX-Ctl: a\u0000b\nX-Ok: fine");
    expect(parsed.invalidLines).toEqual([1, 2, 3, 4]);
    expect(parsed.headers).toEqual([["x-ok", "fine"]]);
  });

  it("is empty for an unset variable", () => {
    expect(parseOriginHeaders(undefined)).toEqual({ headers: [], invalidLines: [] });
  });
});
