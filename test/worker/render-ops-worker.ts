import type { Op } from "../../src/core/schema/ops.ts";
import { renderOps } from "../fixtures/render-ops.ts";

/** A worker that renders one posted page with the runtime's own HTMLRewriter (see workerd-render.ts). Headers carry
 * the ops and the outcome URI-encoded, as they may hold any character. */
export default {
  async fetch(request: Request): Promise<Response> {
    const contentType = request.headers.get("x-page-content-type") ?? "text/html";
    const ops = JSON.parse(decodeURIComponent(request.headers.get("x-ops") ?? "[]")) as Op[];
    const page = new Uint8Array(await request.arrayBuffer());
    const chunkBytes = Number(request.headers.get("x-chunk-bytes") ?? "0");
    const rendered = await renderOps(page, contentType, ops, () => new HTMLRewriter(), chunkBytes);
    return new Response(rendered.bytes.slice().buffer, {
      headers: {
        "x-outcome": encodeURIComponent(
          JSON.stringify({ faults: rendered.faults, matched: rendered.matched, faulted: rendered.faulted }),
        ),
      },
    });
  },
};
