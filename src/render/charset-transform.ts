import {
  headerCharset,
  isUtf8Label,
  type PageEncoding,
  PRESCAN_BYTES,
  sniffEncoding,
} from "./charset-sniff.ts";

/**
 * Runs `transform` on the page in the encoding a browser would read it in. A page served as UTF-8 goes straight
 * through; any other page has its first 1024 bytes read (as a browser's prescan does) and the rewriter is told the
 * encoding they declare through the Content-Type it sees. The served response keeps the origin's headers.
 */
export function transformInPageEncoding(
  response: Response,
  transform: (input: Response, encoding: Exclude<PageEncoding, { refused: string }>) => Response,
  refuse: (why: string) => void,
): Response {
  const header = headerCharset(response.headers.get("content-type"));
  if (!response.body || (header !== undefined && isUtf8Label(header)))
    return transform(response, { label: "utf-8", undeclared: false });
  const reader = response.body.getReader();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const run = async () => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let done = false;
    while (size < PRESCAN_BYTES) {
      const read = await reader.read();
      if (read.done) {
        done = true;
        break;
      }
      chunks.push(read.value);
      size += read.value.byteLength;
    }
    const prefix = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      prefix.set(chunk, offset);
      offset += chunk.byteLength;
    }
    // The prefix, then the rest as it arrives. A fresh stream each time: one handed to a rewriter that then refused
    // the encoding is dropped, and the page is still there to send untouched.
    const pageStream = () => {
      let abandoned = false;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          if (size > 0) controller.enqueue(prefix);
          if (done) controller.close();
        },
        async pull(controller) {
          const read = await reader.read();
          if (read.done) controller.close();
          else controller.enqueue(read.value);
        },
        cancel: (reason) => (abandoned ? undefined : reader.cancel(reason)),
      });
      return { stream, abandon: () => (abandoned = true) };
    };
    const encoding = sniffEncoding(prefix, header);
    let output: ReadableStream<Uint8Array> | undefined;
    if ("refused" in encoding) refuse(encoding.refused);
    else {
      const page = pageStream();
      try {
        const input = new Response(page.stream, {
          headers: { "content-type": `text/html; charset=${encoding.label}` },
        });
        output = transform(input, encoding).body ?? undefined;
      } catch (error) {
        page.abandon();
        refuse(`the rewriter cannot read the page's encoding ${encoding.label}: ${(error as Error).message}`);
      }
    }
    // Refused: the page goes out byte for byte as the origin sent it.
    await (output ?? pageStream().stream).pipeTo(writable);
  };
  run().catch((error) => writable.abort(error).catch(() => {}));
  return new Response(readable, response);
}
