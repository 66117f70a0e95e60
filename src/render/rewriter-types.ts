/**
 * The slice of the HTMLRewriter API Stylist uses. The worker passes the runtime's HTMLRewriter; the CLI's
 * `simulate` passes a WebAssembly build of the same lol-html engine, so both run this module unchanged.
 */
export interface ContentOptions {
  html?: boolean;
}

export interface RewriterEndTag {
  name: string;
  before(content: string, options?: ContentOptions): unknown;
  after(content: string, options?: ContentOptions): unknown;
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

/** The element as the streaming rewriter hands it over: also its end tag and removal of its tags alone. */
export interface StreamedElement extends RewriterElement {
  /** Name and value of each attribute, as in the page. */
  readonly attributes: Iterable<string[]>;
  removeAndKeepContent(): unknown;
  /** Throws for an element without an end tag (void, or self-closing foreign content). One handler per element. */
  onEndTag(handler: (end: RewriterEndTag) => void): unknown;
}

export interface RewriterDocumentEnd {
  append(content: string, options?: ContentOptions): unknown;
}

/** A text chunk or comment: content the renderer may only remove. */
interface RewriterRemovable {
  readonly removed: boolean;
  /** The text, or the comment's text, as in the page. */
  readonly text: string;
  remove(): unknown;
}

export interface ElementHandlers {
  element(element: StreamedElement): void;
  text?(chunk: RewriterRemovable): void;
  comments?(comment: RewriterRemovable): void;
}

export interface RewriterLike {
  /** Throws when lol-html cannot parse the selector. */
  on(selector: string, handlers: ElementHandlers): RewriterLike;
  onDocument(handlers: { end(end: RewriterDocumentEnd): void }): RewriterLike;
  transform(response: Response): Response;
}

export type RewriterFactory = () => RewriterLike;
