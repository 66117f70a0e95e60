import { describe, expect, it } from "vitest";
import { base64url, portableBase64url } from "../../src/core/signing/hmac.ts";

describe("base64url in workerd", () => {
  it("uses the runtime's built-in encoder, which gives the same text as the portable one for every length", () => {
    // The built-in path is the one the worker takes; Node (the CLI, unit tests) takes the portable one. Cookies signed
    // in one must verify in the other, so the two must agree byte for byte.
    expect(typeof (new Uint8Array() as Uint8Array & { toBase64?: unknown }).toBase64).toBe("function");
    for (let length = 0; length < 64; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      expect(base64url(bytes)).toBe(portableBase64url(bytes));
    }
    expect(base64url(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe("-__-");
  });
});
