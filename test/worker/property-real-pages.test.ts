import fc from "fast-check";
import { type DefaultTreeAdapterMap, parse, parseFragment, serialize } from "parse5";
import { describe, expect, it } from "vitest";
import { decodeHtml } from "../../src/cli/verify/decode.ts";
import { LEGACY, legacyPage, page } from "../support/page-generator.ts";
import { counted, renderArm, samePageViews } from "../support/render-harness.ts";

type ParentNode = DefaultTreeAdapterMap["parentNode"];
type Element = DefaultTreeAdapterMap["element"];
type ChildNode = DefaultTreeAdapterMap["childNode"];

const RUNS = { seed: 0x5717_0013, numRuns: 150 };
const rewriter = () => new HTMLRewriter();

/** The element with class `t` as the browser's DOM has it; a template's content is not in the tree it walks. */
function target(node: ParentNode): Element | undefined {
  for (const child of node.childNodes) {
    if (!("tagName" in child)) continue;
    if (
      child.attrs.some((attribute) => attribute.name === "class" && attribute.value.split(" ").includes("t"))
    )
      return child;
    const inner = target(child);
    if (inner) return inner;
  }
  return undefined;
}

function adopt(parent: Element, nodes: ChildNode[]): ChildNode[] {
  for (const node of nodes) node.parentNode = parent;
  return nodes;
}

const fragment = (context: Element, html: string) =>
  adopt(
    context,
    (parseFragment as (context: unknown, html: string) => { childNodes: ChildNode[] })(context, html)
      .childNodes,
  );

/**
 * Content put beside the target: inline, except beside a table cell, where the parser would move inline content out
 * of the table (a rule author puts a cell there).
 */
const beside = (element: Element | undefined, name: string) =>
  element?.tagName === "td" || element?.tagName === "th"
    ? `<td>${name}</td>`
    : element?.tagName === "option"
      ? `<option>${name}</option>`
      : `<i>${name}</i>`;

/** Content put inside the target: text alone in an option, where the parser drops tags. */
const inside = (element: Element | undefined, html: string) =>
  element?.tagName === "option" ? html.replace(/<[^>]*>/g, "") : html;

const siblings = (element: Element) => {
  const parent = element.parentNode as Element;
  return { parent, at: parent.childNodes.indexOf(element) };
};

/** An op on `.t` and what it does to the browser's DOM, applied with parse5 to the target found there. */
const OPS: Array<{
  op(element: Element | undefined): Record<string, string>;
  apply(element: Element): void;
}> = [
  {
    op: () => ({ op: "setText", selector: ".t", value: "N é & <x>" }),
    apply: (element) => {
      element.childNodes = fragment(element, "N é &amp; &lt;x&gt;");
    },
  },
  {
    op: (element) => ({ op: "setHtml", selector: ".t", html: inside(element, "<em>N</em>") }),
    apply: (element) => {
      element.childNodes = fragment(element, inside(element, "<em>N</em>"));
    },
  },
  {
    op: (element) => ({ op: "append", selector: ".t", html: inside(element, "<i>A</i>") }),
    apply: (element) => {
      element.childNodes.push(...fragment(element, inside(element, "<i>A</i>")));
    },
  },
  {
    op: (element) => ({ op: "prepend", selector: ".t", html: inside(element, "<i>P</i>") }),
    apply: (element) => {
      element.childNodes.unshift(...fragment(element, inside(element, "<i>P</i>")));
    },
  },
  {
    op: (element) => ({ op: "insertAfter", selector: ".t", html: beside(element, "F") }),
    apply: (element) => {
      const { parent, at } = siblings(element);
      parent.childNodes.splice(at + 1, 0, ...fragment(parent, beside(element, "F")));
    },
  },
  {
    op: (element) => ({ op: "insertBefore", selector: ".t", html: beside(element, "B") }),
    apply: (element) => {
      const { parent, at } = siblings(element);
      parent.childNodes.splice(at, 0, ...fragment(parent, beside(element, "B")));
    },
  },
  {
    op: (element) => ({ op: "replace", selector: ".t", html: beside(element, "R") }),
    apply: (element) => {
      const { parent, at } = siblings(element);
      parent.childNodes.splice(at, 1, ...fragment(parent, beside(element, "R")));
    },
  },
  {
    op: () => ({ op: "remove", selector: ".t" }),
    apply: (element) => {
      const { parent, at } = siblings(element);
      parent.childNodes.splice(at, 1);
    },
  },
  {
    op: () => ({ op: "addClass", selector: ".t", value: "x" }),
    apply: (element) => {
      const attribute = element.attrs.find((candidate) => candidate.name === "class");
      if (attribute) attribute.value = `${attribute.value} x`;
    },
  },
  {
    op: () => ({ op: "setAttribute", selector: ".t", name: "data-x", value: "v" }),
    apply: (element) => {
      // An attribute the element has keeps its place and takes the value.
      const known = element.attrs.find(({ name }) => name === "data-x");
      if (known) known.value = "v";
      else element.attrs.push({ name: "data-x", value: "v" });
    },
  },
];

describe("generated pages with optional end tags, implied closes, templates and SVG titles", () => {
  it("serves the control arm byte for byte as the origin sent it", async () => {
    await fc.assert(
      fc.asyncProperty(page, fc.nat(OPS.length - 1), async ({ html }, pick) => {
        const control = await renderArm(rewriter, html, [OPS[pick]?.op(target(parse(html)))], "control");
        expect(control.html).toBe(html);
      }),
      RUNS,
    );
  });

  it("changes in the browser's DOM exactly what the op names, or nothing and does not count the visitor", async () => {
    await fc.assert(
      fc.asyncProperty(page, fc.nat(OPS.length - 1), async ({ html }, pick) => {
        const { op, apply } = OPS[pick] as (typeof OPS)[number];
        const origin = parse(html);
        const expected = parse(html);
        const element = target(expected);
        const rendered = await renderArm(rewriter, html, [op(element)], "variant");
        if (rendered.outcome.faulted[0]) {
          expect(serialize(parse(rendered.html))).toBe(serialize(origin));
          return;
        }
        if (element) apply(element);
        expect(serialize(parse(rendered.html))).toBe(serialize(expected));
        expect(rendered.outcome.matched[0]).toBe(element !== undefined);
      }),
      RUNS,
    );
  });
});

describe("the control arm is counted by the same rule as the variant", () => {
  // A skip decided only after the element's start tag (a content edit written back at its end, an append whose
  // element has one left open inside, a watch abandoned on a misnested page) must refuse the control arm on the same
  // pages: else the arms are counted by different rules, the exposure counts are biased and the split looks off.
  it("counts the control arm's visitor exactly when it would count the variant's", async () => {
    await fc.assert(
      fc.asyncProperty(page, fc.nat(OPS.length - 1), async ({ html }, pick) => {
        const op = OPS[pick]?.op(target(parse(html)));
        const variant = await renderArm(rewriter, html, [op], "variant");
        const control = await renderArm(rewriter, html, [op], "control");
        expect(control.html).toBe(html);
        expect(control.faults).toEqual([]);
        expect({ control: counted(control.outcome), faults: variant.faults }).toEqual({
          control: counted(variant.outcome),
          faults: variant.faults,
        });
      }),
      RUNS,
    );
  });
});

describe("later page views under the same rules, which watch only what earlier pages needed", () => {
  // The first page view under new rules watches everything (the property above checks it against the browser's DOM);
  // a later one, after another page, serves the same or skips the op, leaving the page as it was, uncounted.
  it("serve what the first page view serves, or the origin's page without counting the visitor", async () => {
    await fc.assert(
      fc.asyncProperty(page, page, fc.nat(OPS.length - 1), async (earlier, later, pick) => {
        const op = OPS[pick]?.op(target(parse(later.html)));
        const first = await renderArm(rewriter, later.html, [op], "variant");
        const view = samePageViews(rewriter, [op]);
        await view(earlier.html);
        for (const _ of [1, 2]) {
          const rendered = await view(later.html);
          // The one documented exception (docs/architecture.md, "Content ops on block containers"): a container whose
          // content the rewriter removed by itself, with a formatting element or scope boundary left open inside at
          // its end tag, is known only once removed: that view is not counted, and the next one is made step by step.
          if (rendered.faults.some((fault) => / inside it is still open at <\//.test(fault))) {
            expect(rendered.outcome.faulted[0]).toBe(true);
            continue;
          }
          if (rendered.outcome.faulted[0] && !first.outcome.faulted[0])
            expect(serialize(parse(rendered.html))).toBe(serialize(parse(later.html)));
          // Both skipped: one may have written back what it removed (attributes quoted), the other removed nothing.
          // Both placed: the same DOM. A later view may leave a block container's content edit to the rewriter
          // itself, which drops an end tag the step-by-step edit writes back for the parser to ignore
          // (`<span><ul class=t><li></ul>` replaced: `<span>R` against `<span>R</ul>`).
          else expect(serialize(parse(rendered.html))).toBe(serialize(parse(first.html)));
        }
      }),
      RUNS,
    );
  });
});

describe("generated pages in legacy encodings, declared in the header, in a <meta> only, or nowhere", () => {
  const read = (bytes: Uint8Array, contentType: string) => parse(decodeHtml(bytes, contentType).text);

  it("generates each encoding's characters as their bytes there, which the runtime reads back", () => {
    for (const { label, bytes } of LEGACY)
      for (const [char, encoded] of Object.entries(bytes)) {
        expect(new TextDecoder(label).decode(Uint8Array.from(encoded)), `${label} ${char}`).toBe(char);
        expect(decodeHtml(Uint8Array.from(encoded), `text/html; charset=${label}`).encoding).toBe(
          new TextDecoder(label).encoding,
        );
      }
  });

  it("serves the control arm byte for byte as the origin sent it", async () => {
    await fc.assert(
      fc.asyncProperty(legacyPage, fc.nat(OPS.length - 1), async ({ bytes, contentType }, pick) => {
        const op = OPS[pick]?.op(target(read(bytes, contentType)));
        const control = await renderArm(rewriter, bytes, [op], "control", contentType);
        expect([...control.bytes]).toEqual([...bytes]);
      }),
      RUNS,
    );
  });

  it("changes in the DOM, read in the page's encoding, exactly what the op names, or nothing", async () => {
    await fc.assert(
      fc.asyncProperty(legacyPage, fc.nat(OPS.length - 1), async ({ bytes, contentType }, pick) => {
        const { op, apply } = OPS[pick] as (typeof OPS)[number];
        const origin = read(bytes, contentType);
        const expected = read(bytes, contentType);
        const element = target(expected);
        const rendered = await renderArm(rewriter, bytes, [op(element)], "variant", contentType);
        if (rendered.outcome.faulted[0]) {
          expect(serialize(read(rendered.bytes, contentType))).toBe(serialize(origin));
          return;
        }
        if (element) apply(element);
        expect(serialize(read(rendered.bytes, contentType))).toBe(serialize(expected));
        expect(rendered.outcome.matched[0]).toBe(element !== undefined);
      }),
      RUNS,
    );
  });
});
