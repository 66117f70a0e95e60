import type { RewriterDocumentEnd, RewriterEndTag, StreamedElement } from "./rewriter-types.ts";

/**
 * Work that waits for an element's end tag. lol-html keeps one end-tag handler per element, so every handler that
 * matched an element queues its tasks here and the last handler registered (the renderer's finisher) hands them to
 * the element in one `onEndTag`.
 */
/** An end tag as handed to each element it ends: `key` is the same for all of them and differs from any other's. */
export interface HandledEndTag extends RewriterEndTag {
  readonly key: string;
}

export interface EndTask {
  /** The element's end tag as lol-html pairs it; `end.name` differs from the element's when the end was implied. */
  atEnd(end: HandledEndTag): void;
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
  /** Hands the queued tasks to `element` (a `<tag>`); called once per element, after its other handlers. */
  attach(element: StreamedElement, tag: string, extra?: EndTask): void;
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
  // The runtime hands each handler a new object, so the same end tag is known by its name, no start tag since, and
  // no element of that name ended yet (it is the last one the end tag ends: `</span></span>` are two end tags).
  let clock = 0;
  let tag = "";
  let serial = 0;
  let ownEnded = false;
  let inserted: Insertion[] = [];
  const recording = (end: RewriterEndTag, removes: boolean): HandledEndTag => {
    // Read once: each read of a streamed end tag's name is a call into the runtime.
    const name = end.name;
    const key = `${clock}:${name}`;
    if (key !== tag || ownEnded) {
      tag = key;
      serial++;
      ownEnded = false;
      inserted = [];
    } else if (removes) for (const [where, html] of inserted) end[where](html, HTML);
    return {
      name,
      key: String(serial),
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
    attach(element, own, extra) {
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
          if (noted.name === own) ownEnded = true;
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
