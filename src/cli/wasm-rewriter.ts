import { HTMLRewriter as WasmRewriter } from "html-rewriter-wasm";
import type { RewriterElement, RewriterFactory, RewriterLike } from "../render/rewriter-types.ts";

type Registration =
  | { selector: string; handlers: { element(element: RewriterElement): void } }
  | { document: { end(): void } };

/**
 * The HTMLRewriter API over html-rewriter-wasm (lol-html, the engine inside workerd, compiled to WebAssembly), so
 * `stylist simulate` runs the worker's own render code in Node. It streams: each origin chunk is written as it
 * arrives and the rewritten bytes are passed on at once.
 */
function createWasmRewriter(registrations: Registration[] = []): RewriterLike {
  return {
    on: (selector, handlers) => createWasmRewriter([...registrations, { selector, handlers }]),
    onDocument: (handlers) => createWasmRewriter([...registrations, { document: handlers }]),
    transform(response) {
      const source = response.body;
      let rewriter: WasmRewriter | undefined;
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          rewriter = new WasmRewriter((chunk) => controller.enqueue(chunk.slice()));
          for (const registration of registrations) {
            if ("selector" in registration) {
              rewriter.on(registration.selector, {
                element: (element) => registration.handlers.element(element as unknown as RewriterElement),
              });
            } else rewriter.onDocument({ end: () => registration.document.end() });
          }
          try {
            if (source)
              for await (const chunk of source as unknown as AsyncIterable<Uint8Array>)
                await rewriter.write(chunk);
            await rewriter.end();
            controller.close();
          } catch (error) {
            controller.error(error);
          } finally {
            rewriter.free();
          }
        },
      });
      return new Response(body, response);
    },
  };
}

export const wasmRewriterFactory: RewriterFactory = () => createWasmRewriter();
