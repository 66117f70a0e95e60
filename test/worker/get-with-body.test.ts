import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { handlePage } from "../../src/worker/handle-page.ts";
import { BROWSER_UA } from "../support/browser-agent.ts";
import { faultCodes } from "./helpers.ts";

/**
 * A GET or HEAD that arrives with a body (a client may send one on the wire; `new Request` cannot build one, so it is
 * made here by lending a body to a real GET) used to be forwarded with it: fetch refused, and the visitor got a 502
 * with a false `origin_unreachable` (issue 12 item 9). The body is dropped instead; the origin answers as usual.
 */
function withBody(method: "GET" | "HEAD", path: string): Request {
  const real = new Request(`https://shop.example${path}`, {
    method,
    headers: { "user-agent": BROWSER_UA, "content-length": "5", "content-type": "text/plain" },
  });
  return new Proxy(real, {
    get(target, property) {
      if (property === "body") return new Response("hello").body;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("a GET or HEAD with a body", () => {
  it.each(["GET", "HEAD"] as const)(
    "is sent to the origin without the body, answered as usual, and logs no fault (%s)",
    async (method) => {
      const spy = vi.spyOn(console, "error").mockImplementation(() => {});
      const ctx = createExecutionContext();
      const response = await handlePage(withBody(method, "/echo"), env, ctx);
      const text = await response.text();
      await waitOnExecutionContext(ctx);
      expect(response.status).toBe(200);
      if (method === "GET") expect(JSON.parse(text)).toMatchObject({ method: "GET", body: "" });
      expect(faultCodes(spy)).toEqual([]);
      spy.mockRestore();
    },
  );
});
