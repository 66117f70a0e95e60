import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../src/worker/index.ts";
import { alwaysVariant } from "../fixtures/experiments.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { BROWSER_UA } from "../support/browser-agent.ts";
import { publish, visit } from "./helpers.ts";

const VARIANT_ONLY = alwaysVariant();

describe("compressed origin pages", () => {
  beforeEach(async () => {
    await publish([VARIANT_ONLY]);
  });

  it.each(["/gzip", "/brotli"])("rewrites the decoded HTML of %s and serves valid content", async (path) => {
    const response = await visit(path, { headers: { "accept-encoding": "gzip, br" } });
    const body = await response.text();
    expect(body).toBe(HOME_HTML.replace("<h1>Gear for every fell</h1>", "<h1>Tested on the fells</h1>"));
    expect(response.headers.get("content-length")).toBeNull();
  });

  it("hands a rewritten page over uncompressed when COMPRESSION is front-line, and leaves pages it did not rewrite as the origin sent them", async () => {
    const fetchWith = async (path: string, compression: string | undefined) => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request(`https://shop.example${path}`, {
          headers: { "accept-encoding": "gzip, br", "user-agent": BROWSER_UA },
        }),
        { ...env, ...(compression ? { COMPRESSION: compression } : {}) },
        ctx,
      );
      const body = await response.text();
      await waitOnExecutionContext(ctx);
      return { encoding: response.headers.get("content-encoding"), body };
    };
    const personalised = HOME_HTML.replace("<h1>Gear for every fell</h1>", "<h1>Tested on the fells</h1>");
    const frontLine = await fetchWith("/gzip", "front-line");
    expect(frontLine.encoding).toBeNull();
    expect(frontLine.body).toBe(personalised);
    expect((await fetchWith("/gzip", undefined)).encoding).toBe("gzip");
    await publish([]);
    expect((await fetchWith("/gzip", "front-line")).encoding).toBe("gzip");
  });
});
