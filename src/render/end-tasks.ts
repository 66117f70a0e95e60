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

/** What one element handed over at its start tag, waiting for its end tag (one per element with tasks). */
interface Group {
  tasks: EndTask[];
  removes: boolean;
  done: boolean;
}

/** The end tag as one element's tasks see it: what they write at it is noted, to be put back (see createEndTasks). */
class NotedEndTag implements HandledEndTag {
  readonly name: string;
  readonly key: string;
  private readonly end: RewriterEndTag;
  private readonly inserted: Insertion[];
  constructor(end: RewriterEndTag, name: string, key: string, inserted: Insertion[]) {
    this.end = end;
    this.name = name;
    this.key = key;
    this.inserted = inserted;
  }
  before(html: string) {
    this.inserted.push(["before", html]);
    return this.end.before(html, HTML);
  }
  after(html: string) {
    this.inserted.push(["after", html]);
    return this.end.after(html, HTML);
  }
}

export function createEndTasks(): EndTasks {
  let queued: EndTask[] = [];
  // Groups handed to elements whose end tag has not come yet, in start-tag order. End tags come mostly innermost
  // first, so ended groups are dropped from the top: what is left at the document's end is what never ended.
  const open: Group[] = [];
  // One end tag can end several elements; lol-html runs their handlers innermost first, and the handler of a removed
  // element drops what the handlers before it inserted at that tag. What was inserted is noted per tag and put back.
  // The runtime hands each handler a new object, so the same end tag is known by its name, no start tag since, and
  // no element of that name ended yet (it is the last one the end tag ends: `</span></span>` are two end tags).
  let clock = 0;
  let tagClock = -1;
  let tagName = "";
  let key = "";
  let serial = 0;
  let ownEnded = false;
  let inserted: Insertion[] = [];
  const recording = (end: RewriterEndTag, removes: boolean): HandledEndTag => {
    // Read once: each read of a streamed end tag's name is a call into the runtime.
    const name = end.name;
    if (tagClock !== clock || tagName !== name || ownEnded) {
      tagClock = clock;
      tagName = name;
      key = String(++serial);
      ownEnded = false;
      inserted = [];
    } else if (removes) for (const [where, html] of inserted) end[where](html, HTML);
    return new NotedEndTag(end, name, key, inserted);
  };
  /** Apart from attach (called for every element) so that only an element with tasks makes a closure. */
  const handOver = (element: StreamedElement, own: string, group: Group) => {
    try {
      element.onEndTag((end) => {
        const noted = recording(end, group.removes);
        group.done = true;
        for (const task of group.tasks) task.atEnd(noted);
        if (noted.name === own) ownEnded = true;
        while (open.length > 0 && (open[open.length - 1] as Group).done) open.pop();
      });
    } catch {
      for (const task of group.tasks) task.withoutEndTag(element);
      return;
    }
    open.push(group);
  };
  return {
    queue: (task) => {
      queued.push(task);
    },
    attach(element, own, extra) {
      clock++;
      if (extra) queued.push(extra);
      else if (queued.length === 0) return;
      const tasks = queued;
      queued = [];
      let removes = false;
      for (const task of tasks) if (task.removesEndTag) removes = true;
      handOver(element, own, { tasks, removes, done: false });
    },
    finishDocument(end) {
      for (const group of open) if (!group.done) for (const task of group.tasks) task.atDocumentEnd(end);
      open.length = 0;
    },
  };
}
