import { parserEndsAtEndTag, parserEndsAtStartTag, startTagHtml } from "./parser-agreement.ts";
import type { StreamedElement } from "./rewriter-types.ts";

/**
 * A content edit (setText, setHtml, replace, remove) made as the element streams: what it removes is noted as it goes,
 * and its new content is written where lol-html ends the element. Only there is it known whether the parser ends the
 * element there too: where it does not (`<span><p>a</span>more`: the parser ignores `</span>`, so the browser's span
 * runs on; an unclosed `<b>` inside, which the parser reopens around what follows), the edit would reach content the
 * browser has elsewhere, so what was removed is written back as it was and the edit is skipped.
 */
export interface ContentEdit {
  readonly tag: string;
  /** The new content. */
  readonly html: string;
  /** The element's own tags are removed too (replace, remove): its start tag is written back with its content. */
  readonly startTag: string | undefined;
  /** What was removed so far, as HTML, in page order. */
  readonly removed: string[];
  placed: boolean;
  skip(why: string): void;
}

/**
 * `takes`: the edit removes the element's own tags. `keeps`: what it removes is kept to be written back (not by a dry
 * run, which writes nothing back, so it is spared reading the attributes of the elements removed).
 */
export function createContentEdit(
  element: StreamedElement,
  tag: string,
  html: string,
  takes: boolean,
  keeps: boolean,
  skip: (why: string) => void,
): ContentEdit {
  return {
    tag,
    html,
    startTag: takes && keeps ? startTagHtml(tag, element.attributes) : undefined,
    removed: [],
    placed: false,
    skip,
  };
}

/** Notes removed content (text, a comment, an end tag) as HTML; returns where, for a start tag found self-closing. */
export function recordRemoved(edit: ContentEdit, html: string): number {
  if (!edit.placed) edit.removed.push(html);
  return edit.removed.length - 1;
}

/** A removed start tag turned out self-closing (SVG, MathML): it must stay so, or what follows would go inside it. */
export function selfClosed(edit: ContentEdit, at: number) {
  const start = edit.removed[at];
  if (start !== undefined) edit.removed[at] = start.replace(/>$/, " />");
}

/**
 * Writes, with `put`, what belongs where lol-html ends the edited element: at a start tag that ends it in the parser
 * (`endTag` undefined), at an end tag (`</endTag>`) or at the end of the document, with `openAbove` the elements the
 * parser still has open inside it there (and the element itself, for an ancestor's end tag). The new content if the
 * parser ends the same elements there, else (or if the rewriter refuses the new content) what was removed, put back,
 * and the edit skipped.
 */
export function placeContent(
  edit: ContentEdit,
  openAbove: readonly string[],
  endTag: string | undefined,
  put: (html: string) => void,
  doubt?: string,
) {
  if (edit.placed) return;
  edit.placed = true;
  const ownEnd = edit.startTag !== undefined && endTag === edit.tag ? `</${edit.tag}>` : "";
  const restore = `${edit.startTag ?? ""}${edit.removed.join("")}${ownEnd}`;
  const agrees =
    doubt === undefined &&
    (endTag === undefined ? parserEndsAtStartTag(openAbove) : parserEndsAtEndTag(endTag, openAbove));
  if (agrees)
    try {
      if (edit.html) put(edit.html);
      return;
    } catch (error) {
      edit.skip(
        `the rewriter refused the new content (${(error as Error).message}): the content is kept as it was`,
      );
      if (restore) put(restore);
      return;
    }
  edit.skip(
    doubt
      ? `${doubt}: its content is kept as it was`
      : endTag === undefined
        ? `<${edit.tag}> has a formatting element left open inside (<${openAbove.join("><")}>), which the browser reopens after it: its content is kept as it was`
        : `the browser does not end <${edit.tag}> at </${endTag}> as the rewriter does (<${openAbove.join("><")}> open inside): its content is kept as it was`,
  );
  if (restore) put(restore);
}
