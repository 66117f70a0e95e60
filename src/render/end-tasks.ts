import type { RewriterDocumentEnd, RewriterEndTag, StreamedElement } from "./rewriter-types.ts";

/**
 * Work that waits for an element's end tag. lol-html keeps one end-tag handler per element, so every handler that
 * matched an element queues its tasks here and the last handler registered (the renderer's finisher) hands them to
 * the element in one `onEndTag`.
 */
export interface EndTask {
  /** The element's end tag as lol-html pairs it; `end.name` differs from the element's when the end was implied. */
  atEnd(end: RewriterEndTag): void;
  /** The element has no end tag (void, or self-closing in SVG/MathML). */
  withoutEndTag(element: StreamedElement): void;
  /** The document ended before the element's end tag: it ran to the end of the document. */
  atDocumentEnd(end: RewriterDocumentEnd): void;
  /** The element was removed with its tags (removeAndKeepContent). */
  removesEndTag?: boolean;
}

export interface EndTasks {
  /** Queues a task for the element whose handlers are running now. */
  queue(task: EndTask): void;
  /** Hands the queued tasks to `element`; called once per element, after its other handlers. */
  attach(element: StreamedElement, extra?: EndTask): void;
  /** Runs the tasks of elements that never saw their end tag. */
  finishDocument(end: RewriterDocumentEnd): void;
}

type Insertion = ["before" | "after", string];
const HTML = { html: true } as const;

export function createEndTasks(): EndTasks {
  let queued: EndTask[] = [];
  const open = new Set<EndTask>();
  // One end tag can end several elements; lol-html runs their handlers innermost first, and the handler of a removed
  // element drops what the handlers before it inserted at that tag. What was inserted is noted per tag and put back.
  let clock = 0;
  let tag = "";
  let inserted: Insertion[] = [];
  const recording = (end: RewriterEndTag, removes: boolean): RewriterEndTag => {
    // Read once: each read of a streamed end tag's name is a call into the runtime.
    const name = end.name;
    const key = `${clock}:${name}`;
    if (key !== tag) {
      tag = key;
      inserted = [];
    } else if (removes) for (const [where, html] of inserted) end[where](html, HTML);
    return {
      name,
      before(html) {
        inserted.push(["before", html]);
        return end.before(html, HTML);
      },
      after(html) {
        inserted.push(["after", html]);
        return end.after(html, HTML);
      },
    };
  };
  return {
    queue: (task) => {
      queued.push(task);
    },
    attach(element, extra) {
      clock++;
      const tasks = extra ? [...queued, extra] : queued;
      queued = [];
      if (tasks.length === 0) return;
      const removes = tasks.some((task) => task.removesEndTag);
      try {
        element.onEndTag((end) => {
          const noted = recording(end, removes);
          for (const task of tasks) {
            open.delete(task);
            task.atEnd(noted);
          }
        });
      } catch {
        for (const task of tasks) task.withoutEndTag(element);
        return;
      }
      for (const task of tasks) open.add(task);
    },
    finishDocument(end) {
      for (const task of open) task.atDocumentEnd(end);
      open.clear();
    },
  };
}
