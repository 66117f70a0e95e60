import { HTMLRewriter as WasmRewriter } from "html-rewriter-wasm";
import { headerCharset } from "../render/charset-sniff.ts";
import type {
  ElementHandlers,
  RewriterDocumentEnd,
  RewriterFactory,
  RewriterLike,
  StreamedElement,
} from "../render/rewriter-types.ts";
import { pageCharset } from "./wasm-charset.ts";

type Registration =
  | { selector: string; handlers: ElementHandlers }
  | { document: { end(end: RewriterDocumentEnd): void } };

/**
 * Why lol-html (the worker's engine) refuses `selector`, or undefined when it parses it. `stylist validate` and
 * `push` ask this for every selector, so a rule never reaches the edge with one the worker cannot register.
 */
export function engineSelectorProblem(selector: string): string | undefined {
  const probe = new WasmRewriter(() => {});
  try {
    probe.on(selector, { element() {} });
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^Parser error: /, "");
  } finally {
    probe.free();
  }
}

/**
 * The HTMLRewriter API over html-rewriter-wasm (lol-html, the engine inside workerd, compiled to WebAssembly), so
 * `stylist simulate` runs the worker's own render code in Node. It streams: each origin chunk is written as it
 * arrives and the rewritten bytes are passed on at once. Like workerd's, `on()` throws for a selector lol-html
 * cannot parse. The engine itself reads every page as UTF-8; a page whose Content-Type names another charset (the
 * worker's render code names the one a browser would read it in) goes through wasm-charset.ts, so it comes out byte
 * for byte as workerd's HTMLRewriter writes it. Like workerd's, `transform` throws for a charset it cannot read.
 */
function createWasmRewriter(registrations: Registration[] = []): RewriterLike {
  return {
    on(selector, handlers) {
      const problem = engineSelectorProblem(selector);
      if (problem) throw new TypeError(problem);
      return createWasmRewriter([...registrations, { selector, handlers }]);
    },
    onDocument: (handlers) => createWasmRewriter([...registrations, { document: handlers }]),
    transform(response) {
      const charset = pageCharset(headerCharset(response.headers.get("content-type")));
      const source = response.body;
      let rewriter: WasmRewriter | undefined;
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          rewriter = new WasmRewriter((chunk) =>
            controller.enqueue(charset ? charset.output(chunk) : chunk.slice()),
          );
          for (const registration of registrations) {
            if ("selector" in registration) {
              const handlers = charset ? charset.handlers(registration.handlers) : registration.handlers;
              rewriter.on(charset ? charset.selector(registration.selector) : registration.selector, {
                element: (element) => handlers.element(element as unknown as StreamedElement),
                ...(handlers.text ? { text: handlers.text } : {}),
                ...(handlers.comments ? { comments: handlers.comments } : {}),
              });
            } else
              rewriter.onDocument({
                end: (end) => registration.document.end(charset ? charset.documentEnd(end) : end),
              });
          }
          try {
            if (source)
              for await (const chunk of source as unknown as AsyncIterable<Uint8Array>)
                await rewriter.write(charset ? charset.input(chunk) : chunk);
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
