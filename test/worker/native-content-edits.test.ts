import { describe, expect, it } from "vitest";
import { counted, samePageViews } from "../support/render-harness.ts";

/**
 * Content edits (setText, setHtml, replace, remove) of a block container (`section`, `div`, `ul`…) are made by the
 * rewriter itself once the selector has been seen in use, instead of element by element and chunk by chunk: on a
 * product page's reviews section that was 1,177 elements and ~2,000 text chunks a view, each a JS call (tens of
 * milliseconds). Such an element ends where the browser ends it unless something inside is left open at its end tag
 * that the parser treats differently, or it sits in an item, term or cell a start tag inside it may end: those are
 * watched. Through workerd's real HTMLRewriter; each test's first page view (step by step) teaches the selector.
 */
const rewriter = () => new HTMLRewriter();

/** A container with many elements and text inside, as a reviews section has. */
const REVIEWS = `<section class=t><h2>Reviews</h2>${Array.from(
  { length: 60 },
  (_, i) =>
    `<article><h3>Review ${i}</h3><p>Good <b>grip</b> on wet rock.</p><ul><li>fit<li>size</ul></article>`,
).join("")}</section>`;
const PAGE = `<main><p>before</p>${REVIEWS}<p>after</p></main>`;
const SET_TEXT = { op: "setText", selector: "section.t", value: "N" };

/** Page views under one experiment's rules, the first on PAGE (it teaches the selector that its subject is a section). */
async function taught(ops: unknown[], arm: "control" | "variant" = "variant") {
  const view = samePageViews(rewriter, ops);
  const first = await view(PAGE, arm);
  expect(first.faults).toEqual([]);
  return view;
}

describe("content edits of a block container made by the rewriter itself", () => {
  it.each([
    [
      "setHtml",
      { op: "setHtml", selector: "section.t", html: "<p>New</p>" },
      "<section class=t><p>New</p></section>",
    ],
    ["setText", SET_TEXT, "<section class=t>N</section>"],
    ["replace", { op: "replace", selector: "section.t", html: "<div>New</div>" }, "<div>New</div>"],
    ["remove", { op: "remove", selector: "section.t" }, ""],
    [
      "setText on an untyped selector",
      { op: "setText", selector: ".t", value: "N" },
      "<section class=t>N</section>",
    ],
  ])(
    "%s replaces exactly the container and nothing around it, on every page view",
    async (_name, op, edited) => {
      const view = samePageViews(rewriter, [op]);
      for (const _ of [1, 2, 3]) {
        const { html, outcome, faults } = await view(PAGE);
        expect(html).toBe(`<main><p>before</p>${edited}<p>after</p></main>`);
        expect(faults).toEqual([]);
        expect(counted(outcome)).toBe(true);
      }
      const unchanged = await view(PAGE, "control");
      expect(unchanged.html).toBe(PAGE);
      expect(counted(unchanged.outcome)).toBe(true);
    },
  );

  it("edits a container whose children were left open, as the parser ends them at its end tag", async () => {
    const view = await taught([SET_TEXT]);
    const { html, outcome } = await view("<section class=t><p>a<span>b<li>c</section><p>after");
    expect(html).toBe("<section class=t>N</section><p>after");
    expect(counted(outcome)).toBe(true);
  });

  it("counts an edit whose container holds scope boundaries and formatting elements closed inside it", async () => {
    const view = await taught([SET_TEXT]);
    const page =
      "<section class=t><table><tr><td>1</td></tr></table><select><option>a</select><template><b>t</b></template><object>o</object><svg><title>i</title></svg><p><a href=/>x</a> <b>y</b></section><p>after</p>";
    const { html, outcome, faults } = await view(page);
    expect(html).toBe("<section class=t>N</section><p>after</p>");
    expect(faults).toEqual([]);
    expect(counted(outcome)).toBe(true);
  });

  it.each([
    ["a <table>", "table", "<section class=t><table><tr><td>cell</section><p>after</p></td></tr></table>"],
    ["a <select>", "select", "<section class=t><select><option>a</section><p>after</p>"],
    ["a <template>", "template", "<section class=t><template><p>t</section><p>after</p></template>"],
    ["an <object>", "object", "<section class=t><object><p>o</section><p>after</p></object>"],
    ["a <b> (reopened after it)", "b", "<section class=t><p><b>bold</section><p>after</p>"],
    ["an <a> (reopened after it)", "a", '<section class=t><a href="/x">link</section><p>after</p>'],
  ])(
    "does not count the edit when %s is left open at the container's end tag, in every arm, and edits it step by step from then on",
    async (_name, tag, page) => {
      const view = await taught([SET_TEXT]);
      const edited = await view(page);
      expect(edited.faults).toEqual([
        expect.stringMatching(
          new RegExp(`^exp: setText on <section>: a <${tag}> inside it is still open at </section>`),
        ),
      ]);
      expect(counted(edited.outcome)).toBe(false);
      // The next page view edits it step by step: the same page is skipped with nothing changed.
      const next = await view(page);
      expect(next.html).toBe(page);
      expect(counted(next.outcome)).toBe(false);
      const control = await taught([SET_TEXT], "control");
      const unchanged = await control(page, "control");
      expect(unchanged.html).toBe(page);
      expect(unchanged.faults).toEqual([]);
      expect(unchanged.outcome.matched[0]).toBe(true);
      expect(counted(unchanged.outcome)).toBe(false);
    },
  );

  it("skips a container inside an item, in every arm, and edits it step by step from the next page view on", async () => {
    // Inside an <li>, a start tag of another <li> would end the item and the <div> with it: only a watch of every
    // element inside can tell, so the first page view that meets one skips it and the next ones watch.
    const page = "<ul><li><div class=t>a<span>x</span></div><li>b</ul>";
    const op = { op: "setText", selector: "div.t", value: "N" };
    const view = samePageViews(rewriter, [op]);
    expect(counted((await view("<div class=t>a</div>")).outcome)).toBe(true);
    const skipped = await view(page);
    expect(skipped.html).toBe(page);
    expect(skipped.faults).toEqual([
      expect.stringMatching(/^exp: setText on <div>: it is inside an unclosed <li>/),
    ]);
    expect(counted(skipped.outcome)).toBe(false);
    const placed = await view(page);
    expect(placed.html).toBe("<ul><li><div class=t>N</div><li>b</ul>");
    expect(placed.faults).toEqual([]);
    expect(counted(placed.outcome)).toBe(true);
    const control = samePageViews(rewriter, [op]);
    await control("<div class=t>a</div>", "control");
    expect(counted((await control(page, "control")).outcome)).toBe(false);
  });
});

describe("a content edit of a subject named without a tag, on later page views under the same rules", () => {
  const UNTYPED = [{ op: "setText", selector: ".t", value: "N" }];
  const PARAGRAPH = "<p class=t>a<div>b</div>";

  it("skips the edit, in every arm, the first time the subject is a <p> after only containers, then edits it step by step", async () => {
    const view = await taught(UNTYPED);
    const skipped = await view(PARAGRAPH);
    expect(skipped.html).toBe(PARAGRAPH);
    expect(skipped.faults).toEqual([
      expect.stringMatching(
        /^exp: setText on <p>: ".t" matched only elements whose content the rewriter edits by itself/,
      ),
    ]);
    expect(counted(skipped.outcome)).toBe(false);
    const placed = await view(PARAGRAPH);
    expect(placed.html).toBe("<p class=t>N<div>b</div>");
    expect(counted(placed.outcome)).toBe(true);
  });

  it("counts the control arm by the same rule", async () => {
    const view = await taught(UNTYPED, "control");
    const refused = await view(PARAGRAPH, "control");
    expect(refused.html).toBe(PARAGRAPH);
    expect(refused.outcome.matched[0]).toBe(true);
    expect(counted(refused.outcome)).toBe(false);
  });
});
