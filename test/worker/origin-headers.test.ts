import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/worker/env.ts";
import worker from "../../src/worker/index.ts";
import { faultCodes } from "./helpers.ts";

async function originSaw(originHeaders: string | undefined, requestHeaders: Record<string, string> = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request("https://shop.example/echo-headers", { headers: requestHeaders }),
    { ...(env as unknown as Env), ORIGIN_HEADERS: originHeaders },
    ctx,
  );
  const seen = (await response.json()) as Record<string, string>;
  await waitOnExecutionContext(ctx);
  return seen;
}

describe("ORIGIN_HEADERS: what lets the origin refuse requests that did not come through Stylist", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("sends each configured header to the origin (a shared secret, an Access service token)", async () => {
    const seen = await originSaw(
      "X-Origin-Secret: s3cr3t-value\nCF-Access-Client-Id: abc.access\r\nCF-Access-Client-Secret: def",
    );
    expect(seen["x-origin-secret"]).toBe("s3cr3t-value");
    expect(seen["cf-access-client-id"]).toBe("abc.access");
    expect(seen["cf-access-client-secret"]).toBe("def");
  });

  it("replaces a header of the same name the visitor sent, so a visitor cannot add to or shadow the secret", async () => {
    const seen = await originSaw("X-Origin-Secret: s3cr3t-value", { "x-origin-secret": "forged" });
    expect(seen["x-origin-secret"]).toBe("s3cr3t-value");
  });

  it("sends none when unset, and forwards the visitor's own headers as before", async () => {
    const seen = await originSaw(undefined, { "x-origin-secret": "visitor-sent" });
    expect(seen["x-origin-secret"]).toBe("visitor-sent");
  });

  it("sends the valid lines of a malformed value and logs which lines it dropped, never their text", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const seen = await originSaw("X-Good: yes\nno colon here s3cr3t\nBad Name: s3cr3t");
    expect(seen["x-good"]).toBe("yes");
    expect(faultCodes(errors)).toContain("origin_headers_invalid");
    const logged = errors.mock.calls.map((call) => String(call[0])).join("\n");
    expect(logged).toContain('"lines":[2,3]');
    expect(logged).not.toContain("s3cr3t");
  });
});
