/**
 * The slice of the HTMLRewriter API Stylist uses. The worker passes the runtime's HTMLRewriter; the CLI's
 * `simulate` passes a WebAssembly build of the same lol-html engine, so both run this module unchanged.
 */
export interface ContentOptions {
  html?: boolean;
}

export interface RewriterElement {
  readonly tagName: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): unknown;
  removeAttribute(name: string): unknown;
  setInnerContent(content: string, options?: ContentOptions): unknown;
  replace(content: string, options?: ContentOptions): unknown;
  remove(): unknown;
  before(content: string, options?: ContentOptions): unknown;
  after(content: string, options?: ContentOptions): unknown;
  prepend(content: string, options?: ContentOptions): unknown;
  append(content: string, options?: ContentOptions): unknown;
}

export interface RewriterLike {
  on(selector: string, handlers: { element(element: RewriterElement): void }): RewriterLike;
  onDocument(handlers: { end(): void }): RewriterLike;
  transform(response: Response): Response;
}

export type RewriterFactory = () => RewriterLike;
